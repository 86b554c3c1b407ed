#!/usr/bin/env bash
# The demo flow against the gateway of a running stack (scripts/up.sh): create a user, show
# its welcome order and payment, create a manual order, show it paid, and show the event
# chain of each request. No fixed sleeps: it waits on the gateway's event-chain view, then
# for the order-service to show what the chain did.
# Exit code 0 only when every step held; otherwise the first failing step is named.
#   ./demo-quick.sh
#   GATEWAY_URL=http://127.0.0.1:8005 ./demo-quick.sh
set -euo pipefail

GATEWAY_URL=${GATEWAY_URL:-http://localhost:3005}
WAIT=${DEMO_WAIT_SECONDS:-30} # the longest wait for one event chain
step=""

fail() {
    printf '\n✗ step "%s" failed: %s\n' "$step" "$*" >&2
    exit 1
}
begin() {
    step=$1
    printf '\n%s\n' "$step"
}
ok() { printf '  ✓ %s\n' "$*"; }

command -v jq >/dev/null || { echo "demo-quick.sh needs jq (apt-get install jq)" >&2; exit 1; }
command -v curl >/dev/null || { echo "demo-quick.sh needs curl (apt-get install curl)" >&2; exit 1; }

# call METHOD PATH [BODY] [REQUEST_ID]: sets STATUS and BODY.
call() {
    local method=$1 path=$2 data=${3:-} request_id=${4:-} out
    local args=(-s -o - -w '\n%{http_code}' -X "$method" "$GATEWAY_URL$path")
    [ -n "$data" ] && args+=(-H 'Content-Type: application/json' -d "$data")
    [ -n "$request_id" ] && args+=(-H "X-Request-Id: $request_id")
    out=$(curl "${args[@]}") || fail "no answer from $GATEWAY_URL (is the stack up? scripts/up.sh)"
    STATUS=${out##*$'\n'}
    BODY=${out%$'\n'*}
}
expect() { # expect STATUS: the last call answered it
    [ "$STATUS" = "$1" ] || fail "expected HTTP $1, got $STATUS: $BODY"
}
# until SECONDS COMMAND...: runs the command until it succeeds, for SECONDS at most. The
# services read an event alongside the gateway's view, so what it caused shows moments later.
until_true() {
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.05
    done
}
show_chain() { # show_chain REQUEST_ID: waits until the chain is complete, then prints it
    call GET "/api/events/$1?wait=$WAIT"
    expect 200
    [ "$(jq -r .complete <<<"$BODY")" = true ] || fail "the event chain of $1 is incomplete: $BODY"
    jq -r '.events[] | "    \(.occurredAt)  \(.eventType)  (\(.source))"' <<<"$BODY"
}

run=$(date +%s)-$$
echo "Demo against $GATEWAY_URL"

begin "1. Create a user"
user_request="demo-user-$run"
call POST /api/users "{\"email\":\"demo-$run@example.com\",\"name\":\"Demo User\",\"password\":\"SecurePass123!\"}" "$user_request"
expect 201
user_id=$(jq -r .id <<<"$BODY")
ok "user $user_id (request $user_request)"
jq . <<<"$BODY" | sed 's/^/    /'

begin "2. Its event chain: user.created -> welcome order -> payment"
show_chain "$user_request"

begin "3. Its welcome order, paid"
welcome_paid() {
    call GET "/api/orders?userId=$user_id"
    [ "$STATUS" = 200 ] && [ "$(jq -r '.[] | select(.kind == "welcome") | .status' <<<"$BODY")" = paid ]
}
until_true 10 welcome_paid || fail "the welcome order is not paid: $BODY"
[ "$(jq -r '[.[] | select(.kind == "welcome")] | length' <<<"$BODY")" = 1 ] ||
    fail "expected exactly one welcome order: $BODY"
welcome_id=$(jq -r '.[] | select(.kind == "welcome") | .id' <<<"$BODY")
ok "welcome order $welcome_id is paid"
call GET "/api/payments?orderId=$welcome_id"
expect 200
[ "$(jq -r '.[0].status' <<<"$BODY")" = completed ] || fail "no completed payment: $BODY"
ok "payment $(jq -r '.[0].id' <<<"$BODY"): $(jq -r '.[0].amount' <<<"$BODY") completed"

begin "4. Create a manual order"
order_request="demo-order-$run"
call POST /api/orders "{\"userId\":\"$user_id\",\"items\":[{\"productId\":\"product-demo-123\",\"quantity\":3,\"price\":19.99}]}" "$order_request"
expect 201
order_id=$(jq -r .id <<<"$BODY")
[ "$(jq -r .totalAmount <<<"$BODY")" = 59.97 ] || fail "expected a total of 59.97: $BODY"
ok "order $order_id, total 59.97, $(jq -r .status <<<"$BODY") (request $order_request)"

begin "5. Its event chain: order.created -> payment"
show_chain "$order_request"

begin "6. The manual order, paid"
order_paid() {
    call GET "/api/orders/$order_id"
    [ "$STATUS" = 200 ] && [ "$(jq -r .status <<<"$BODY")" = paid ]
}
until_true 10 order_paid || fail "the order is not paid: $BODY"
ok "order $order_id is paid (payment $(jq -r .payment.id <<<"$BODY"))"

printf '\n✓ Demo completed: every step held.\n'
echo "  More: $GATEWAY_URL/api/docs, $GATEWAY_URL/api/events/stream, kcat -C -b 127.0.0.1:9094 -t order.created"
