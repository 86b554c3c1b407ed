#!/usr/bin/env bash
# Benchmarks the chassis: GET /health/live on a service beside Debian's nginx returning the
# same body, with wrk, in one run; then every service's idle RSS and start-up time.
#   scripts/bench.sh                       # 10 s per target, 64 connections
#   DURATION=30s CONNECTIONS=128 ROUNDS=3 scripts/bench.sh
# Figures go to stdout; nothing is a pass/fail test.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
SERVICE=${SERVICE:-api-gateway} # the chassis alone: it needs no database
BODY='{"status":"ok","info":{},"error":{},"details":{}}'

ensure_packages "${PACKAGES[@]}" wrk nginx-light
cd "$ROOT"
build_preset release >/dev/null
bin() { echo "$ROOT/build/release/services/$1/$1"; }

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_http() {
    local url=$1
    for _ in $(seq 1 500); do
        curl -fs -o /dev/null "$url" && return 0
        sleep 0.01
    done
    die "nothing answers at $url"
}

# Starts a service on a free loopback port; sets STARTED_PID, STARTED_PORT and STARTED_MS
# (exec to the "listening" log line, by the line's own timestamp).
start_service() {
    local name=$1 port t0 listening
    port=$(free_port)
    t0=$(date +%s%3N)
    PORT=$port HOST=127.0.0.1 ENV_FILE=/dev/null KAFKA_BROKER=${KAFKA_BROKER:-} \
        DB_PORT=${PGPORT_LOCAL:-${DB_PORT:-5432}} "$(bin "$name")" >"$work/$name-$port.log" 2>&1 &
    STARTED_PID=$!
    STARTED_PORT=$port
    pids+=("$STARTED_PID")
    wait_http "http://127.0.0.1:$port/health/live"
    listening=$(grep -m1 'listening"' "$work/$name-$port.log" | sed -E 's/.*"time":([0-9]+).*/\1/')
    STARTED_MS=$((listening - t0))
}

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# Prints "req/s p50_ms p99_ms" for one wrk run.
run_wrk() {
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
        END { printf "%d %.3f %.3f\n", rps, p50, p99 }'
}

# nginx with Debian's defaults that matter here: worker_processes auto, access log on.
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx;
    server {
        listen 127.0.0.1:$nginx_port;
        location = /health/live { default_type application/json; return 200 '$BODY'; }
    }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
pids+=($!)
wait_http "http://127.0.0.1:$nginx_port/health/live"

start_service "$SERVICE"
service_pid=$STARTED_PID
service_port=$STARTED_PORT

log "warming up"
wrk -t1 -c8 -d2s "http://127.0.0.1:$service_port/health/live" >/dev/null
wrk -t1 -c8 -d2s "http://127.0.0.1:$nginx_port/health/live" >/dev/null

# Alternating rounds, best round of each kept: less noise from whatever else runs.
best() { # best "rps p50 p99" of two lines by req/s
    printf '%s\n%s\n' "$1" "$2" | sort -n -r | head -1
}
svc_best="0 0 0"
ngx_best="0 0 0"
for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS: wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION, GET /health/live"
    svc_best=$(best "$svc_best" "$(run_wrk "http://127.0.0.1:$service_port/health/live")")
    ngx_best=$(best "$ngx_best" "$(run_wrk "http://127.0.0.1:$nginx_port/health/live")")
done
read -r svc_rps svc_p50 svc_p99 <<<"$svc_best"
read -r ngx_rps ngx_p50 ngx_p99 <<<"$ngx_best"
svc_rss_load=$(rss_mb "$service_pid")

echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(free -g | awk '/Mem:/ { print $2 }') GiB"
printf '%-28s %10s %10s %10s\n' target "req/s" "p50 ms" "p99 ms"
printf '%-28s %10s %10s %10s\n' "nginx (workers auto)" "$ngx_rps" "$ngx_p50" "$ngx_p99"
printf '%-28s %10s %10s %10s\n' "$SERVICE" "$svc_rps" "$svc_p50" "$svc_p99"
awk -v a="$svc_rps" -v b="$ngx_rps" -v c="$svc_p99" -v d="$ngx_p99" \
    'BEGIN { printf "%-28s %10.2f %21.2f\n", "ratio service/nginx", a / b, c / d }'
echo "$SERVICE RSS after the run: $svc_rss_load MB"

# The services with a database need PostgreSQL and Kafka to start: the project's local
# cluster (started here unless it already runs) and a dev broker of our own.
broker_port=$(free_port)
KAFKA_DEV_BROKER_PORT=$broker_port "$ROOT/build/release/infra/kafka-dev-broker/kafka-dev-broker" \
    >"$work/broker.log" 2>&1 &
pids+=($!)
export KAFKA_BROKER=127.0.0.1:$broker_port
started_pg=false
if ! "$ROOT/scripts/pg.sh" status >/dev/null 2>&1; then
    "$ROOT/scripts/pg.sh" start >/dev/null
    started_pg=true
fi
stop_pg() { if $started_pg; then "$ROOT/scripts/pg.sh" stop >/dev/null; fi; }
trap 'stop_pg; cleanup' EXIT

echo
printf '%-18s %12s %26s\n' service "idle RSS MB" "start-up ms (exec→listening)"
for name in api-gateway user-service order-service payment-service; do
    start_service "$name"
    sleep 1
    printf '%-18s %12s %26s\n' "$name" "$(rss_mb "$STARTED_PID")" "$STARTED_MS"
done
