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

source "$ROOT/scripts/lib/processes.sh"

# Prints "req/s p50_ms p99_ms" for one wrk run.
run_wrk() {
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
        END { printf "%d %.3f %.3f\n", rps, p50, p99 }'
}

# nginx with Debian's defaults that matter here: worker_processes auto, access log on.
nginx_port=$(free_port)
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx;
    server {
        listen 127.0.0.1:$nginx_port;
        location = /health/live { default_type application/json; return 200 '$BODY'; }
    }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g 'daemon off;' &
PIDS+=($!)
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
echo "machine: $(machine)"
printf '%-28s %10s %10s %10s\n' target "req/s" "p50 ms" "p99 ms"
printf '%-28s %10s %10s %10s\n' "nginx (workers auto)" "$ngx_rps" "$ngx_p50" "$ngx_p99"
printf '%-28s %10s %10s %10s\n' "$SERVICE" "$svc_rps" "$svc_p50" "$svc_p99"
awk -v a="$svc_rps" -v b="$ngx_rps" -v c="$svc_p99" -v d="$ngx_p99" \
    'BEGIN { printf "%-28s %10.2f %21.2f\n", "ratio service/nginx", a / b, c / d }'
echo "$SERVICE RSS after the run: $svc_rss_load MB"

# The services with a database need PostgreSQL and Kafka to start: the project's local
# cluster (started here unless it already runs) and a dev broker of our own.
start_broker
use_local_postgres

echo
printf '%-18s %12s %26s\n' service "idle RSS MB" "start-up ms (exec→listening)"
for name in api-gateway user-service order-service payment-service; do
    start_service "$name" KAFKA_BROKER="$KAFKA_BROKER" DB_PORT="${PGPORT_LOCAL:-${DB_PORT:-5432}}"
    sleep 1
    printf '%-18s %12s %26s\n' "$name" "$(rss_mb "$STARTED_PID")" "$STARTED_MS"
done
