#!/bin/sh
# infra/Dockerfile and scripts/lib/swagger_ui.sh must pin the same swagger-ui-dist, version
# and integrity, so the image's /api/docs is the one the tests saw.
#   check_swagger_pin.sh SOURCE_DIR
set -eu
root=$1
pin() { sed -n "s/^$1=['\"]\{0,1\}\([^'\"]*\)['\"]\{0,1\}$/\1/p" "$root/scripts/lib/swagger_ui.sh"; }
arg() { sed -n "s/^ARG $1=\(.*\)$/\1/p" "$root/infra/Dockerfile"; }
for name in SWAGGER_UI_VERSION SWAGGER_UI_INTEGRITY; do
    script=$(pin "$name") image=$(arg "$name")
    [ -n "$script" ] || { echo "no $name in scripts/lib/swagger_ui.sh" >&2; exit 1; }
    [ "$script" = "$image" ] ||
        { echo "$name: scripts say '$script', infra/Dockerfile says '$image'" >&2; exit 1; }
done
echo "swagger-ui-dist pinned alike: $(pin SWAGGER_UI_VERSION)"
