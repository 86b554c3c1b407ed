#!/usr/bin/env bash
# Stops what scripts/up.sh started, newest first, by the PIDs it recorded: SIGTERM, then
# SIGKILL after 15 s. PostgreSQL is stopped only if up.sh started it. Safe to run twice.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$ROOT/scripts/lib/stack.sh"

stop() {
    local name=$1 pid
    pid=$(pid_of "$name")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "$name (pid $pid) ignored SIGTERM for 15 s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        log "stopped $name"
    fi
    rm -f "$PIDFILES/$name.pid"
}

for ((i = ${#STACK_PROCESSES[@]} - 1; i >= 0; i--)); do
    stop "${STACK_PROCESSES[i]}"
done
if [ -f "$STACK/postgres-started" ]; then
    "$ROOT/scripts/pg.sh" stop
    rm -f "$STACK/postgres-started"
    log "stopped PostgreSQL"
fi
