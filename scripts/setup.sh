#!/usr/bin/env bash
# Installs every system package the project needs (Debian 12, apt) and builds it.
#   scripts/setup.sh            # release build in build/release
#   scripts/setup.sh dev        # or: dev, asan
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

preset=${1:-release}
ensure_packages "${PACKAGES[@]}"
source "$ROOT/scripts/lib/swagger_ui.sh" && ensure_swagger_ui
cd "$ROOT"
build_preset "$preset"
log "built: build/$preset/services/*/<service>"
