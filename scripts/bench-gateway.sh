#!/usr/bin/env bash
# Benchmarks forwarding: GET /api/users/:id through the api-gateway, through Debian's nginx
# as a reverse proxy (keep-alive upstream pool), and straight to the user-service, in one
# run on one backend (release build, the local PostgreSQL cluster with a fresh bench_userdb,
# a dev broker). Prints req/s and p50/p99 for each, the gateway/nginx ratios of every round
# and their medians, each proxy's CPU per request and the gateway's RSS under load.
# UPSTREAM=static puts a fixed answer (nginx returning such a user's JSON) behind both
# proxies instead: the backend then costs almost nothing, and what is measured is each
# proxy's own cost.
#   scripts/bench-gateway.sh
#   DURATION=30s CONNECTIONS=128 ROUNDS=8 scripts/bench-gateway.sh
#   UPSTREAM=static scripts/bench-gateway.sh
# Figures go to stdout; nothing is a pass/fail test.
set -euo pipefail
# Paired rounds, as many with the gateway first as with nginx first: an even number.
ROUNDS=${ROUNDS:-6}
UPSTREAM=${UPSTREAM:-user-service}
source "$(dirname "$0")/lib/common.sh"

API_KEY=bench-api-key

ensure_packages "${PACKAGES[@]}" wrk nginx-light
cd "$ROOT"
build_quietly release
source "$ROOT/scripts/lib/processes.sh"

start_broker
if [ "$UPSTREAM" = static ]; then
    user_id=0b6a4c0e-3f2d-4c1a-9e8b-5d7f6a2c1b90
    user_json="{\"id\":\"$user_id\",\"email\":\"bench@example.com\",\"name\":\"Bench User\",\"role\":\"user\",\"createdAt\":\"2026-12-01T00:00:00.000Z\",\"updatedAt\":\"2026-12-01T00:00:00.000Z\"}"
    NGINX_HTTP_EXTRA="access_log off;" start_nginx "location /api/users/ {
            default_type \"application/json; charset=utf-8\";
            return 200 '$user_json';
        }" "/api/users/$user_id" upstream
    users_port=$NGINX_PORT
    probe_path="/api/users/$user_id"
else
    use_local_postgres
    fresh_database bench_userdb
    start_service user-service KAFKA_BROKER="$KAFKA_BROKER" DB_PORT="${PGPORT_LOCAL:-${DB_PORT:-5432}}" \
        DB_DATABASE=bench_userdb LOG_LEVEL=warn API_KEY="$API_KEY"
    users_port=$STARTED_PORT
    wait_http "http://127.0.0.1:$users_port/health/ready"
    probe_path=/health/live
fi

# The gateway as it runs by default, access log included (nginx keeps its own on); the rate
# limit stays in the path, set high enough that wrk never meets it.
start_service api-gateway KAFKA_BROKER="$KAFKA_BROKER" API_KEY="$API_KEY" \
    USER_SERVICE_URL="http://127.0.0.1:$users_port" RATE_LIMIT_MAX=1000000000
gateway_pid=$STARTED_PID
gateway_port=$STARTED_PORT

# nginx as people run it in front of a service: HTTP/1.1 keep-alive to the upstream, the API
# key added like the gateway adds it.
NGINX_HTTP_EXTRA="upstream users { server 127.0.0.1:$users_port; keepalive 64; }"
start_nginx "location / {
            proxy_pass http://users;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host \$host;
            proxy_set_header x-api-key $API_KEY;
        }" "$probe_path"
nginx_port=$NGINX_PORT
nginx_master=${PIDS[-1]} # start_nginx's, with daemon off

[ "$UPSTREAM" = static ] ||
    user_id=$(curl -fsS -H 'Content-Type: application/json' -H "x-api-key: $API_KEY" \
        -d '{"email":"bench@example.com","name":"Bench User","password":"SecurePass123!"}' \
        "http://127.0.0.1:$users_port/api/users" | sed -E 's/.*"id":"([^"]+)".*/\1/')
path="/api/users/$user_id"
for port in "$users_port" "$gateway_port" "$nginx_port"; do
    curl -fs -o /dev/null -H "x-api-key: $API_KEY" "http://127.0.0.1:$port$path" ||
        die "GET $path fails on port $port"
done

log "warming up"
for port in "$users_port" "$gateway_port" "$nginx_port"; do
    wrk -t1 -c8 -d2s -H "x-api-key: $API_KEY" "http://127.0.0.1:$port$path" >/dev/null
done

# Rounds of one run each, best of each kept. This machine's speed drifts by several per cent
# from one minute to the next, more than the proxies differ, so the gateway and nginx run
# back to back in every round (first one, then the other, in turn) and each round's
# gateway/nginx ratios are kept: their medians are the comparison. The gateway's RSS is
# sampled in the middle of its runs, the largest kept.
gw_best="0 0 0" ngx_best="0 0 0" direct_best="0 0 0" gw_rss=0
: >"$WORK/ratios"
: >"$WORK/gw_cpu"
: >"$WORK/ngx_cpu"
# CPU of nginx's workers (the master only waits), in clock ticks.
nginx_ticks() {
    local total=0 worker
    for worker in $(pgrep -P "$nginx_master"); do
        total=$((total + $(cpu_ticks "$worker")))
    done
    echo "$total"
}
# Microseconds of CPU per request over all runs, from "ticks req/s" lines of DURATION runs.
cpu_per_request() {
    awk -v seconds="${DURATION%s}" -v hz="$(getconf CLK_TCK)" \
        '{ ticks += $1; requests += $2 * seconds } END { printf "%.1f", ticks / hz * 1e6 / requests }' "$1"
}
for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS: wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION, GET /api/users/:id"
    for target in $( ((round % 2)) && echo gateway nginx || echo nginx gateway); do
        if [ "$target" = gateway ]; then
            (sleep "$(( ${DURATION%s} / 2 ))" && rss_mb "$gateway_pid" >"$WORK/rss") &
            before=$(cpu_ticks "$gateway_pid")
            gw=$(run_wrk "http://127.0.0.1:$gateway_port$path")
            echo "$(( $(cpu_ticks "$gateway_pid") - before )) ${gw%% *}" >>"$WORK/gw_cpu"
            wait $!
            gw_rss=$(printf '%s\n%s\n' "$gw_rss" "$(cat "$WORK/rss")" | sort -n -r | head -1)
        else
            before=$(nginx_ticks)
            ngx=$(run_wrk "http://127.0.0.1:$nginx_port$path")
            echo "$(( $(nginx_ticks) - before )) ${ngx%% *}" >>"$WORK/ngx_cpu"
        fi
    done
    gw_best=$(best "$gw_best" "$gw")
    ngx_best=$(best "$ngx_best" "$ngx")
    echo "$gw $ngx" | awk '{ printf "%.3f %.3f\n", $1 / $4, $3 / $6 }' >>"$WORK/ratios"
    direct_best=$(best "$direct_best" "$(run_wrk "http://127.0.0.1:$users_port$path" -H "x-api-key: $API_KEY")")
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rps_ratios=$(cut -d' ' -f1 "$WORK/ratios" | paste -sd' ')
p99_ratios=$(cut -d' ' -f2 "$WORK/ratios" | paste -sd' ')
rps_median=$(cut -d' ' -f1 "$WORK/ratios" | median)
p99_median=$(cut -d' ' -f2 "$WORK/ratios" | median)
read -r gw_rps gw_p50 gw_p99 <<<"$gw_best"
read -r ngx_rps ngx_p50 ngx_p99 <<<"$ngx_best"
read -r direct_rps direct_p50 direct_p99 <<<"$direct_best"

echo
echo "machine: $(machine)"
printf '%-34s %10s %10s %10s\n' "GET /api/users/:id" "req/s" "p50 ms" "p99 ms"
printf '%-34s %10s %10s %10s\n' "direct to $UPSTREAM" "$direct_rps" "$direct_p50" "$direct_p99"
printf '%-34s %10s %10s %10s\n' "nginx reverse proxy (workers auto)" "$ngx_rps" "$ngx_p50" "$ngx_p99"
printf '%-34s %10s %10s %10s\n' "api-gateway" "$gw_rps" "$gw_p50" "$gw_p99"
awk -v a="$gw_rps" -v b="$ngx_rps" -v c="$gw_p99" -v d="$ngx_p99" \
    'BEGIN { printf "%-34s %10.2f %21.2f\n", "ratio gateway/nginx, best runs", a / b, c / d }'
echo "gateway/nginx req/s by round: $rps_ratios (median $rps_median)"
echo "gateway/nginx p99 by round:   $p99_ratios (median $p99_median)"
echo "CPU per request: api-gateway $(cpu_per_request "$WORK/gw_cpu") us, nginx workers $(cpu_per_request "$WORK/ngx_cpu") us"
echo "api-gateway RSS under load: $gw_rss MB"
