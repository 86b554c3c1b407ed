# Sourced by the scripts: the package list and the helpers they share.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Every Debian 12 package the project builds, tests and runs with.
PACKAGES=(
    g++ cmake ninja-build pkg-config git curl ca-certificates
    libboost1.81-dev libboost-url1.81-dev nlohmann-json3-dev libfmt-dev
    librdkafka-dev libpqxx-dev libsodium-dev catch2
    clang-format prometheus postgresql kcat docker-compose jq python3 python3-yaml
    chromium
)

log() { printf '==> %s\n' "$*"; }

# A loopback port nothing listens on right now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the named packages that are missing; silent and quick when none is.
ensure_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0

    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "missing packages (${missing[*]}) and no sudo to install them"
        sudo=(sudo)
    fi
    log "installing ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The executables of the local stack: what up.sh runs and the e2e suite starts.
STACK_TARGETS=(api-gateway user-service order-service payment-service kafka-dev-broker)

# Configures (once) and builds a CMake preset (dev, asan or release): everything, or the
# targets named after it.
build_preset() {
    local preset=$1
    shift
    if [ ! -f "$ROOT/build/$preset/build.ninja" ]; then
        log "configuring ($preset)"
        cmake --preset "$preset" -S "$ROOT" >/dev/null
    fi
    log "building ($preset${*:+: $*})"
    cmake --build --preset "$preset" ${*:+--target "$@"}
}

# build_preset with the compiler's output in a log, shown only when the build fails.
build_quietly() {
    local out
    out=$(mktemp)
    if ! build_preset "$@" >"$out" 2>&1; then
        tail -n 40 "$out" >&2
        rm -f "$out"
        die "the $1 build failed (above: the end of its output)"
    fi
    rm -f "$out"
}
