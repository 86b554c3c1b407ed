#!/usr/bin/env bash
# Starts the whole local stack and waits until it is ready:
#   PostgreSQL (scripts/pg.sh), the Kafka dev broker, the four services, and Prometheus
#   scraping them. Installs what is missing (apt) and builds the release preset first.
#   scripts/up.sh                # then: scripts/down.sh
#   GATEWAY_PORT=8005 KAFKA_DEV_BROKER_PORT=19094 scripts/up.sh
# Ports: GATEWAY_PORT (3005), USER_SERVICE_PORT (3001), ORDER_SERVICE_PORT (3002),
# PAYMENT_SERVICE_PORT (3003), KAFKA_DEV_BROKER_PORT (9094), PROMETHEUS_PORT (9090),
# PGPORT_LOCAL (5432). State (logs, pids, data) lives in .local/ (SHOP_STATE_DIR moves it).
# SHOP_BUILD_PRESET picks another build (the end-to-end test runs the asan one).
# Running it again starts only what is not running. Other variables (API_KEY, LOG_LEVEL,
# KAFKA_*, ...) reach the services as they are.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$ROOT/scripts/lib/stack.sh"

ensure_packages "${PACKAGES[@]}"
source "$ROOT/scripts/lib/swagger_ui.sh" && ensure_swagger_ui # the gateway's /api/docs
cd "$ROOT"
PRESET=${SHOP_BUILD_PRESET:-release}
build_quietly "$PRESET" "${STACK_TARGETS[@]}"
BIN="$ROOT/build/$PRESET"
mkdir -p "$LOGS" "$PIDFILES"

# Starts `name` in the background (its own session: it outlives this script) unless it
# already runs; the command follows the name.
launch() {
    local name=$1
    shift
    if alive "$name"; then
        log "$name already running (pid $(pid_of "$name"))"
        return 0
    fi
    setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
    echo $! >"$PIDFILES/$name.pid"
}

# Waits until `url` answers 200; on timeout names the process and shows its log's end.
wait_ready() {
    local name=$1 url=$2
    for _ in $(seq 1 600); do
        curl -fs -o /dev/null "$url" && return 0
        alive "$name" || die "$name exited; the end of $LOGS/$name.log:
$(tail -n 20 "$LOGS/$name.log")"
        sleep 0.1
    done
    die "$name is not ready at $url after 60 s; see $LOGS/$name.log"
}

[ -f "$STACK/postgres-started" ] || "$ROOT/scripts/pg.sh" status >/dev/null 2>&1 ||
    touch "$STACK/postgres-started" # down.sh stops PostgreSQL only if up started it
"$ROOT/scripts/pg.sh" start >/dev/null

launch kafka-dev-broker env KAFKA_DEV_BROKER_PORT="$KAFKA_PORT" \
    "$BIN/infra/kafka-dev-broker/kafka-dev-broker"

service_env=(KAFKA_BROKER="127.0.0.1:$KAFKA_PORT" DB_HOST=127.0.0.1 DB_PORT="$PGPORT_LOCAL"
    HOST=127.0.0.1)
url() { echo "http://127.0.0.1:$1"; }
launch user-service env "${service_env[@]}" PORT="$USER_SERVICE_PORT" \
    "$BIN/services/user-service/user-service"
launch order-service env "${service_env[@]}" PORT="$ORDER_SERVICE_PORT" \
    USER_SERVICE_URL="$(url "$USER_SERVICE_PORT")" \
    "$BIN/services/order-service/order-service"
launch payment-service env "${service_env[@]}" PORT="$PAYMENT_SERVICE_PORT" \
    "$BIN/services/payment-service/payment-service"
launch api-gateway env "${service_env[@]}" PORT="$GATEWAY_PORT" \
    USER_SERVICE_URL="$(url "$USER_SERVICE_PORT")" \
    ORDER_SERVICE_URL="$(url "$ORDER_SERVICE_PORT")" \
    PAYMENT_SERVICE_URL="$(url "$PAYMENT_SERVICE_PORT")" \
    "$BIN/services/api-gateway/api-gateway"

sh "$ROOT/infra/prometheus/fill-local.sh" "$ROOT/infra/prometheus/prometheus.local.yml.in" \
    "$ROOT/infra/prometheus/alerts.yml" "$GATEWAY_PORT" "$USER_SERVICE_PORT" \
    "$ORDER_SERVICE_PORT" "$PAYMENT_SERVICE_PORT" >"$STACK/prometheus.yml"
launch prometheus prometheus --config.file="$STACK/prometheus.yml" \
    --storage.tsdb.path="$STACK/prometheus" --web.listen-address="127.0.0.1:$PROMETHEUS_PORT"

wait_ready user-service "$(url "$USER_SERVICE_PORT")/health/ready"
wait_ready order-service "$(url "$ORDER_SERVICE_PORT")/health/ready"
wait_ready payment-service "$(url "$PAYMENT_SERVICE_PORT")/health/ready"
wait_ready api-gateway "$(url "$GATEWAY_PORT")/health/ready"
wait_ready prometheus "$(url "$PROMETHEUS_PORT")/-/ready"

cat <<TEXT

The stack is up (logs in $LOGS; stop it with scripts/down.sh):
  API gateway        $(url "$GATEWAY_PORT")        (Swagger UI at /api/docs)
  user-service       $(url "$USER_SERVICE_PORT")
  order-service      $(url "$ORDER_SERVICE_PORT")
  payment-service    $(url "$PAYMENT_SERVICE_PORT")
  Kafka dev broker   127.0.0.1:$KAFKA_PORT          (kcat -L -b 127.0.0.1:$KAFKA_PORT)
  PostgreSQL         127.0.0.1:$PGPORT_LOCAL          (scripts/pg.sh psql userdb)
  Prometheus         $(url "$PROMETHEUS_PORT")
Try: ./demo-quick.sh
TEXT
