#!/usr/bin/env bash
# Benchmarks the chassis: GET /health/live on a service beside Debian's nginx returning the
# same body, with wrk, in one run; then every service's idle RSS and start-up time.
#   scripts/bench.sh                       # 10 s per target, 64 connections
#   DURATION=30s CONNECTIONS=128 ROUNDS=3 scripts/bench.sh
# Figures go to stdout; nothing is a pass/fail test.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

SERVICE=${SERVICE:-api-gateway} # the chassis alone: it needs no database
BODY='{"status":"ok","info":{},"error":{},"details":{}}'

ensure_packages "${PACKAGES[@]}" wrk nginx-light
cd "$ROOT"
build_quietly release

source "$ROOT/scripts/lib/processes.sh"

start_nginx "location = /health/live { default_type application/json; return 200 '$BODY'; }" \
    /health/live
nginx_port=$NGINX_PORT

start_service "$SERVICE"
service_pid=$STARTED_PID
service_port=$STARTED_PORT

log "warming up"
wrk -t1 -c8 -d2s "http://127.0.0.1:$service_port/health/live" >/dev/null
wrk -t1 -c8 -d2s "http://127.0.0.1:$nginx_port/health/live" >/dev/null

# Alternating rounds, best round of each kept: less noise from whatever else runs.
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
