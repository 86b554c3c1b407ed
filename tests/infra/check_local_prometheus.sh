#!/bin/sh
# Fills infra/prometheus/prometheus.local.yml.in with the local stack's own filler (dummy
# ports, the absolute path of alerts.yml), then has promtool check the result.
#   check_local_prometheus.sh PROMTOOL TEMPLATE ALERTS_FILE OUTPUT
set -eu
promtool=$1 template=$2 alerts=$3 out=$4

mkdir -p "$(dirname "$out")"
sh "$(dirname "$0")/../../infra/prometheus/fill-local.sh" "$template" "$alerts" \
    13005 13001 13002 13003 >"$out"

# Only the comment names template variables; the configuration must have none left.
if grep -v '^[[:space:]]*#' "$out" | grep -n '@[A-Z_]*@'; then
    echo "template variable left in $out" >&2
    exit 1
fi
for port in 13005 13001 13002 13003; do
    grep -q "127.0.0.1:$port" "$out" || { echo "no target on port $port" >&2; exit 1; }
done
exec "$promtool" check config "$out"
