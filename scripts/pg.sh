#!/usr/bin/env bash
# The project's private PostgreSQL cluster for running the services locally.
#   scripts/pg.sh start              # creates it on first use, starts it, adds the databases
#   scripts/pg.sh stop
#   scripts/pg.sh status             # exit code 0 when running, 3 when stopped
#   scripts/pg.sh psql [db] [args]   # psql into a database (default: postgres)
# Data in .local/postgres (git-ignored; SHOP_STATE_DIR moves .local), on 127.0.0.1 only, on
# port PGPORT_LOCAL, else DB_PORT, else 5432; its Unix socket stays inside .local/postgres.
# The superuser is DB_USERNAME / DB_PASSWORD (seed 002's postgres / postgres), set when the cluster is created.
# Databases: userdb, orderdb, paymentdb. Every command is idempotent.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

PG_HOME="${SHOP_STATE_DIR:-$ROOT/.local}/postgres"
DATA="$PG_HOME/data"
SOCKETS="$PG_HOME/run"
SERVER_LOG="$PG_HOME/server.log"
PORT=${PGPORT_LOCAL:-${DB_PORT:-5432}}
DB_USER=${DB_USERNAME:-postgres}
DB_PASS=${DB_PASSWORD:-postgres}
DATABASES=(userdb orderdb paymentdb)
OWNER=$(id -un)

usage() { die "usage: scripts/pg.sh start|stop|status|psql [db] [psql arguments]"; }

# PostgreSQL refuses to run as root: then its files and processes belong to the postgres user.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@") # from a directory postgres may enter
    else
        "$@"
    fi
}

# The newest installed server (Debian keeps one bin directory per major version).
find_bin() {
    BIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
        die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin"
    fi
}

check_port() {
    if ! [[ $PORT =~ ^[0-9]{1,5}$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
        die "PGPORT_LOCAL/DB_PORT=\"$PORT\": expected a port from 1 to 65535"
    fi
}

prepare_dirs() {
    mkdir -p "$PG_HOME"
    if [ "$(id -u)" -eq 0 ]; then
        OWNER=postgres
        id postgres >/dev/null 2>&1 || die "no postgres user to run the server as"
        chown postgres:postgres "$PG_HOME"
        runuser -u postgres -- test -x "$PG_HOME" ||
            die "the postgres user cannot reach $PG_HOME: a parent directory is not searchable"
    fi
    chmod 700 "$PG_HOME"
    as_owner mkdir -p "$SOCKETS"
    # Unix socket paths are limited to 107 bytes.
    [ $((${#SOCKETS} + 18)) -le 107 ] || die "socket path too long: move the repository higher up"
}

initialised() { [ -f "$DATA/PG_VERSION" ]; }
running() { initialised && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }
running_port() { sed -n 4p "$DATA/postmaster.pid"; }
running_pid() { sed -n 1p "$DATA/postmaster.pid"; }

# Whether something accepts TCP connections on 127.0.0.1:$1.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

init_cluster() {
    local password_file="$PG_HOME/password"
    (umask 077 && printf '%s\n' "$DB_PASS" >"$password_file")
    [ "$OWNER" = postgres ] && chown postgres:postgres "$password_file"
    local output
    if ! output=$(as_owner "$BIN/initdb" --pgdata "$DATA" --username "$DB_USER" \
        --pwfile "$password_file" --auth-host scram-sha-256 --auth-local peer \
        --encoding UTF8 --locale C 2>&1); then
        rm -f "$password_file"
        die "initdb failed: $output"
    fi
    rm -f "$password_file"
}

wait_ready() {
    local port=$1
    for _ in $(seq 100); do
        "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" && return 0
        sleep 0.1
    done
    die "PostgreSQL is not accepting connections on 127.0.0.1:$port (see $SERVER_LOG)"
}

run_psql() {
    local port=$1 db=$2
    shift 2
    PGPASSWORD=$DB_PASS "$BIN/psql" -X -h 127.0.0.1 -p "$port" -U "$DB_USER" -d "$db" "$@"
}

create_databases() {
    local port=$1 db exists
    for db in "${DATABASES[@]}"; do
        exists=$(run_psql "$port" postgres -qtA -v ON_ERROR_STOP=1 -v db="$db" \
            <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")
        [ "$exists" = 1 ] && continue
        run_psql "$port" postgres -q -v ON_ERROR_STOP=1 -v db="$db" \
            <<<'CREATE DATABASE :"db";' >/dev/null
    done
}

cmd_start() {
    check_port
    ensure_packages postgresql
    find_bin
    prepare_dirs
    if running; then
        local port
        port=$(running_port)
        wait_ready "$port"
        create_databases "$port"
        [ "$port" = "$PORT" ] || log "note: running on port $port, not $PORT (stop it to change)"
        log "PostgreSQL already running on 127.0.0.1:$port"
        return 0
    fi
    port_taken "$PORT" &&
        die "port $PORT on 127.0.0.1 is taken (another PostgreSQL? pg_lsclusters shows Debian's own); set PGPORT_LOCAL to another port"
    initialised || init_cluster
    as_owner touch "$SERVER_LOG"
    if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$SERVER_LOG" -w -t 60 -s \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -k '$SOCKETS'" start >/dev/null 2>&1; then
        die "PostgreSQL did not start; the end of $SERVER_LOG:
$(tail -n 15 "$SERVER_LOG")"
    fi
    wait_ready "$PORT"
    create_databases "$PORT"
    log "PostgreSQL running on 127.0.0.1:$PORT (${DATABASES[*]})"
}

cmd_stop() {
    find_bin
    running || return 0
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 -s stop >/dev/null ||
        die "PostgreSQL did not stop (see $SERVER_LOG)"
}

cmd_status() {
    find_bin
    if running; then
        echo "PostgreSQL running on 127.0.0.1:$(running_port) (pid $(running_pid)), data in $DATA"
        return 0
    fi
    echo "PostgreSQL stopped"
    return 3
}

cmd_psql() {
    find_bin
    running || die "PostgreSQL is not running: scripts/pg.sh start"
    local db=${1:-postgres}
    [ $# -gt 0 ] && shift
    run_psql "$(running_port)" "$db" "$@"
}

[ $# -ge 1 ] || usage
command=$1
shift
case $command in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
psql) cmd_psql "$@" ;;
*) usage ;;
esac
