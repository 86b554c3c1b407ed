#!/usr/bin/env bash
# Measures the event chain on a stack of its own (release build, the local PostgreSQL
# cluster with fresh bench_* databases, a dev broker): the time from a registration's 201 to
# the user's welcome order being visible, and to it showing `paid`, over USERS users, as p50
# and p99; then each service's CPU use while idle, over IDLE_SECONDS.
#   scripts/chain-latency.sh
#   USERS=500 IDLE_SECONDS=30 KAFKA_FETCH_WAIT_MS=5 scripts/chain-latency.sh
# Kafka settings in the environment (KAFKA_FETCH_WAIT_MS, ...) reach the services.
# Figures go to stdout; nothing is a pass/fail test.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

USERS=${USERS:-200}
IDLE_SECONDS=${IDLE_SECONDS:-10}

ensure_packages "${PACKAGES[@]}"
cd "$ROOT"
build_quietly release
source "$ROOT/scripts/lib/processes.sh"

start_broker
use_local_postgres
for db in bench_userdb bench_orderdb bench_paymentdb; do fresh_database "$db"; done
common=(KAFKA_BROKER="$KAFKA_BROKER" DB_PORT="${PGPORT_LOCAL:-${DB_PORT:-5432}}" LOG_LEVEL=warn)

start_service user-service "${common[@]}" DB_DATABASE=bench_userdb
users_pid=$STARTED_PID users_port=$STARTED_PORT
start_service order-service "${common[@]}" DB_DATABASE=bench_orderdb \
    USER_SERVICE_URL="http://127.0.0.1:$users_port"
orders_pid=$STARTED_PID orders_port=$STARTED_PORT
start_service payment-service "${common[@]}" DB_DATABASE=bench_paymentdb
payments_pid=$STARTED_PID
for port in "$users_port" "$orders_port" "$STARTED_PORT"; do
    wait_http "http://127.0.0.1:$port/health/ready"
done

echo "machine: $(machine)"
echo "Kafka fetch wait: ${KAFKA_FETCH_WAIT_MS:-10} ms (the dev broker answers an empty fetch after it)"
"$ROOT/build/release/tests/chain-latency" "$users_port" "$orders_port" "$USERS"

sleep 2 # the last chain's relays and consumers settle
declare -A before
for pid in "$users_pid" "$orders_pid" "$payments_pid"; do before[$pid]=$(cpu_ticks "$pid"); done
sleep "$IDLE_SECONDS"
ticks_per_second=$(getconf CLK_TCK)
echo "idle CPU over ${IDLE_SECONDS} s (share of one core):"
for entry in "user-service:$users_pid" "order-service:$orders_pid" "payment-service:$payments_pid"; do
    name=${entry%%:*} pid=${entry##*:}
    awk -v used=$(($(cpu_ticks "$pid") - before[$pid])) -v hz="$ticks_per_second" \
        -v s="$IDLE_SECONDS" -v n="$name" 'BEGIN { printf "  %-16s %5.2f %%\n", n, 100 * used / hz / s }'
done
