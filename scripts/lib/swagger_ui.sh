# Sourced by the scripts: Swagger UI's static assets for the gateway's /api/docs, from npm's
# swagger-ui-dist (Debian has no package for it), in a git-ignored project-local folder.
# shellcheck shell=bash

SWAGGER_UI_VERSION=5.35.0
# What the registry publishes for that version; a tarball that differs is refused.
SWAGGER_UI_INTEGRITY='sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=='
SWAGGER_UI_DIR_DEFAULT="$ROOT/.local/swagger-ui-dist"

# Installs the pinned swagger-ui-dist into .local/swagger-ui-dist; silent and quick when it is
# there. `npm pack` fetches the package's tarball only: no dependencies, no install scripts.
ensure_swagger_ui() {
    local dir=$SWAGGER_UI_DIR_DEFAULT
    if [ -f "$dir/swagger-ui-bundle.js" ] &&
        grep -q "\"version\": \"$SWAGGER_UI_VERSION\"" "$dir/package.json" 2>/dev/null; then
        return 0
    fi
    # Debian's npm, unless an npm is there already (a nodejs package that bundles one
    # conflicts with Debian's npm package, so npm is not in PACKAGES).
    command -v npm >/dev/null || ensure_packages npm
    log "installing swagger-ui-dist $SWAGGER_UI_VERSION"
    (
        tmp=$(mktemp -d)
        trap 'rm -rf "$tmp"' EXIT
        packed=$(cd "$tmp" && npm pack --silent --json "swagger-ui-dist@$SWAGGER_UI_VERSION" 2>/dev/null) ||
            die "npm pack swagger-ui-dist@$SWAGGER_UI_VERSION failed (is the npm registry reachable?)"
        grep -qF "\"integrity\": \"$SWAGGER_UI_INTEGRITY\"" <<<"$packed" ||
            die "swagger-ui-dist@$SWAGGER_UI_VERSION: the tarball's integrity is not the pinned one"
        tar -xzf "$tmp/swagger-ui-dist-$SWAGGER_UI_VERSION.tgz" -C "$tmp" ||
            die "cannot unpack swagger-ui-dist-$SWAGGER_UI_VERSION.tgz"
        [ -f "$tmp/package/swagger-ui-bundle.js" ] ||
            die "swagger-ui-dist: no swagger-ui-bundle.js in the package"
        mkdir -p "$(dirname "$dir")"
        rm -rf "$dir.new"
        cp -R "$tmp/package" "$dir.new"
        rm -rf "$dir"
        mv "$dir.new" "$dir"
    )
}
