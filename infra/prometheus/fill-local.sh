#!/bin/sh
# Fills prometheus.local.yml.in for a local stack: the four services' ports and the absolute
# path of alerts.yml. Used by scripts/up.sh and by the test that checks the result.
#   fill-local.sh TEMPLATE ALERTS_FILE GATEWAY_PORT USER_PORT ORDER_PORT PAYMENT_PORT >OUT
set -eu
template=$1 alerts=$2
exec sed -e "s|@GATEWAY_PORT@|$3|g" -e "s|@USER_PORT@|$4|g" \
    -e "s|@ORDER_PORT@|$5|g" -e "s|@PAYMENT_PORT@|$6|g" \
    -e "s|@ALERTS_FILE@|$alerts|g" "$template"
