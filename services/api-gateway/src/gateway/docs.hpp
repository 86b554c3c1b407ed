#pragma once
// The gateway's API documentation: the OpenAPI document compiled into the executable, and
// Swagger UI on it, whose static files (npm's swagger-ui-dist) are read from a folder.
#include "gateway/pipeline.hpp"

#include <shop/http/router.hpp>

#include <filesystem>
#include <optional>
#include <string_view>

namespace shop::gateway {

// Where Swagger UI's files are when SWAGGER_UI_DIR is not set: the folder the setup script
// fills in the source tree this executable was built from.
std::filesystem::path default_swagger_ui_dir();

// GET /api/docs-json (the OpenAPI document), GET /api/docs (Swagger UI's page) and
// GET /api/docs/:asset (its files, only those directly inside `swagger_ui_dir`), through
// `pipeline` like every other route. Without the folder the page and its files are a 503
// that says what to run. `pipeline` must outlive the routes.
void add_docs_routes(http::Router& routes, Pipeline const& pipeline,
                     std::filesystem::path swagger_ui_dir);

// The Content-Type an asset is served with, chosen by its extension; nullopt for the kinds
// of file that are not served (LICENSE, package.json, ...).
std::optional<std::string_view> asset_content_type(std::string_view name);

// True when `name` can only name a file directly inside the assets folder: letters, digits,
// '.', '_' and '-', not starting with a dot (no "..", no separators, no hidden files).
bool is_plain_file_name(std::string_view name);

// The Content-Security-Policy of the docs page: Swagger UI's own scripts and styles only.
inline constexpr std::string_view kDocsContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

} // namespace shop::gateway
