#!/usr/bin/env bash
# Runs every test suite: installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer (and the release executables the e2e suite starts, as
# scripts/up.sh does), then runs ctest (labels unit, integration, e2e, lint).
#   scripts/test.sh                 # everything
#   scripts/test.sh -L unit         # extra arguments go to ctest
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_packages "${PACKAGES[@]}"
source "$ROOT/scripts/lib/swagger_ui.sh" && ensure_swagger_ui
cd "$ROOT"
build_preset asan
build_preset release "${STACK_TARGETS[@]}" # what the e2e suite runs, as scripts/up.sh does
log "testing"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --preset asan --parallel "$(nproc)" "$@"
