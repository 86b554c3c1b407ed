# Sourced by up.sh and down.sh: where the local stack keeps its state, and its ports.
# shellcheck shell=bash

STATE=${SHOP_STATE_DIR:-$ROOT/.local}
STACK="$STATE/stack" # logs/<name>.log, pids/<name>.pid, prometheus/ data
LOGS="$STACK/logs"
PIDFILES="$STACK/pids"

export PGPORT_LOCAL=${PGPORT_LOCAL:-${DB_PORT:-5432}}
KAFKA_PORT=${KAFKA_DEV_BROKER_PORT:-9094}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
GATEWAY_PORT=${GATEWAY_PORT:-3005}
USER_SERVICE_PORT=${USER_SERVICE_PORT:-3001}
ORDER_SERVICE_PORT=${ORDER_SERVICE_PORT:-3002}
PAYMENT_SERVICE_PORT=${PAYMENT_SERVICE_PORT:-3003}

# The stack's processes, in start order (down.sh stops them in reverse).
STACK_PROCESSES=(kafka-dev-broker user-service order-service payment-service api-gateway prometheus)

pid_of() { cat "$PIDFILES/$1.pid" 2>/dev/null || true; }
alive() {
    local pid
    pid=$(pid_of "$1")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
