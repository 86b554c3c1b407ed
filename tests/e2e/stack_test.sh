#!/usr/bin/env bash
# End to end, as a user runs it: scripts/up.sh on free ports with a state folder of its
# own, ./demo-quick.sh against the gateway, the README's "Try it" examples as written,
# Prometheus's HTTP API showing all four targets up and http_requests_total moving, then
# scripts/down.sh, leaving no process behind, also when a step fails.
#   tests/e2e/stack_test.sh [build preset, default release: what scripts/up.sh runs]
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/common.sh" # ROOT, free_port
export SHOP_BUILD_PRESET=${1:-release}

fail() {
    echo "e2e: $*" >&2
    exit 1
}

state=$(mktemp -d)
chmod 755 "$state" # PostgreSQL's own user must reach its data folder when run as root
export SHOP_STATE_DIR=$state
export PGPORT_LOCAL=$(free_port) KAFKA_DEV_BROKER_PORT=$(free_port)
export PROMETHEUS_PORT=$(free_port) GATEWAY_PORT=$(free_port)
export USER_SERVICE_PORT=$(free_port) ORDER_SERVICE_PORT=$(free_port)
export PAYMENT_SERVICE_PORT=$(free_port)

started_pids() { cat "$state"/stack/pids/*.pid 2>/dev/null || true; }
finish() {
    local code=$? pids left=""
    pids=$(started_pids)
    "$ROOT/scripts/down.sh" >/dev/null 2>&1 || code=1
    for pid in $pids; do
        kill -0 "$pid" 2>/dev/null && left+=" $pid"
    done
    if [ -n "$left" ]; then
        echo "e2e: processes left after down.sh:$left" >&2
        kill -KILL $left 2>/dev/null || true
        code=1
    fi
    [ $code -eq 0 ] || tail -n 30 "$state"/stack/logs/*.log 2>/dev/null >&2 || true
    rm -rf "$state"
    exit $code
}
trap finish EXIT

"$ROOT/scripts/up.sh"
pids_before=$(started_pids | wc -l)
[ "$pids_before" -eq 6 ] || fail "up.sh recorded $pids_before processes, expected 6"
"$ROOT/scripts/up.sh" >/dev/null # a second run starts nothing new
[ "$(started_pids | sort)" = "$(cat "$state"/stack/pids/*.pid | sort)" ] || fail "second up.sh"

prometheus="http://127.0.0.1:$PROMETHEUS_PORT"
query() { # the value of an instant query's first sample, or "none"
    curl -fsG "$prometheus/api/v1/query" --data-urlencode "query=$1" |
        jq -r '.data.result[0].value[1] // "none"'
}
wait_for() { # wait_for DESCRIPTION COMMAND...: until the command succeeds, 60 s at most
    local what=$1
    shift
    for _ in $(seq 1 120); do
        "$@" && return 0
        sleep 0.5
    done
    fail "timed out waiting for $what"
}
all_up() { [ "$(query 'count(up == 1)')" = 4 ]; }
wait_for "Prometheus to see all four targets up" all_up
before=$(query 'sum(http_requests_total)')

GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" "$ROOT/demo-quick.sh"

# Swagger UI, installed by up.sh, served offline by the gateway.
curl -fs "http://127.0.0.1:$GATEWAY_PORT/api/docs" | grep -q 'swagger-ui-bundle.js' ||
    fail "GET /api/docs is not Swagger UI's page"
curl -fs -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/api/docs/swagger-ui-bundle.js" ||
    fail "Swagger UI's bundle is not served"

# The README's curl examples: the sh block after the marker comment, on our gateway port.
examples=$(awk '/^<!-- The e2e test runs this block/ { marked = 1; next }
    marked && /^```sh/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$ROOT/README.md")
[ -n "$examples" ] || fail "no curl examples found in README.md"
(cd "$state" && bash -euo pipefail -c "${examples//localhost:3005/127.0.0.1:$GATEWAY_PORT}") \
    >"$state/readme-examples.log" 2>&1 ||
    { cat "$state/readme-examples.log" >&2; fail "a README example failed"; }
echo "e2e: the README's examples ran"

moved() {
    local now
    now=$(query 'sum(http_requests_total{job="api-gateway",route=~"/api/.*"})')
    [ "$now" != none ] && [ "${now%.*}" -gt 0 ] &&
        [ "$(query 'sum(http_requests_total)')" != "$before" ]
}
wait_for "http_requests_total to move in Prometheus" moved
echo "e2e: up, demo, Prometheus targets and request counters all held"
