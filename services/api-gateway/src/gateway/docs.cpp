#include "gateway/docs.hpp"

#include "gateway/openapi.hpp"

#include <shop/http/error.hpp>
#include <shop/log/log.hpp>
#include <shop/text/list.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>

namespace shop::gateway {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kJavaScript = "text/javascript; charset=utf-8";
constexpr std::string_view kCss = "text/css; charset=utf-8";
constexpr std::string_view kPng = "image/png";
constexpr std::string_view kSourceMap = "application/json; charset=utf-8";

// Swagger UI's files change only when setup installs another version: kept a day, then
// revalidated by ETag. The page, its initializer and the document follow the executable:
// revalidated every time (a 304 when unchanged).
constexpr std::string_view kAssetCaching = "public, max-age=86400";
constexpr std::string_view kPageCaching = "no-cache";

constexpr std::string_view kNotInstalled =
    "Swagger UI is not installed: run scripts/setup.sh, or set SWAGGER_UI_DIR to a "
    "swagger-ui-dist folder";

// Files up to this size stay in memory once served (the bundle is ~1.7 MB), up to the total.
constexpr std::uintmax_t kCacheFileLimit = 4 * 1024 * 1024;
constexpr std::size_t kCacheTotalLimit = 16 * 1024 * 1024;
constexpr std::uintmax_t kAssetSizeLimit = 64 * 1024 * 1024;

// Swagger UI's own index.html, with absolute asset paths: the page answers at /api/docs and
// /api/docs/ alike.
constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Shop API - Swagger UI</title>
    <link rel="stylesheet" type="text/css" href="/api/docs/swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="/api/docs/index.css">
    <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/api/docs/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/api/docs/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
)html";

// Replaces the package's initializer (which loads the petstore from the internet). No
// validator badge: it would call validator.swagger.io.
constexpr std::string_view kInitializer = R"js(window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api/docs-json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    displayRequestDuration: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "BaseLayout"
  });
};
)js";

std::string etag_of(std::string_view text)
{
    std::uint64_t hash = 14'695'981'039'346'656'037ULL; // FNV-1a
    for (unsigned char const c : text) {
        hash ^= c;
        hash *= 1'099'511'628'211ULL;
    }
    return fmt::format("\"{:016x}\"", hash);
}

// If-None-Match names `etag` (weak comparison, as for GET), or is "*".
bool not_modified(http::Request const& request, std::string_view etag)
{
    for (auto tag : text::split_list(request.header("If-None-Match"))) {
        if (tag.starts_with("W/"))
            tag.remove_prefix(2);
        if (tag == "*" || tag == etag)
            return true;
    }
    return false;
}

// 200 with `body`, or 304 when the client has it already.
http::Response cacheable(http::Request const& request, std::string_view body, std::string_view type,
                         std::string const& etag)
{
    http::Response response;
    if (not_modified(request, etag))
        response.status = http::Status::not_modified;
    else
        response = http::Response::text(http::Status::ok, std::string{body}, type);
    response.header("ETag", etag);
    return response;
}

[[noreturn]] void not_found(http::Request const& request)
{
    throw http::Error{http::Status::not_found,
                      fmt::format("Cannot {} {}", request.method_name(), request.path())};
}

struct Asset {
    std::shared_ptr<std::string const> body;
    std::string etag;
};

// The static files of Swagger UI, read from its folder; the small ones kept in memory.
class SwaggerUi {
public:
    explicit SwaggerUi(fs::path dir) : dir_{std::move(dir)} {}

    fs::path const& dir() const { return dir_; }

    bool installed() const
    {
        std::error_code ec;
        return fs::is_regular_file(dir_ / "swagger-ui-bundle.js", ec);
    }

    // The file `name` directly inside the folder, or nullopt when there is none. Reading
    // blocks, briefly: the files are small, usually in the page cache, and then in memory.
    std::optional<Asset> file(std::string_view name)
    {
        std::error_code ec;
        auto const root = fs::canonical(dir_, ec);
        if (ec)
            return std::nullopt;
        auto const path = fs::canonical(root / name, ec); // follows links: refuses any out
        if (ec || path.parent_path() != root || !fs::is_regular_file(path, ec))
            return std::nullopt;
        auto const size = fs::file_size(path, ec);
        if (ec || size > kAssetSizeLimit)
            return std::nullopt;
        auto const modified = fs::last_write_time(path, ec);
        if (ec)
            return std::nullopt;
        auto etag = fmt::format("\"{:x}-{:x}\"", size,
                                static_cast<std::uint64_t>(modified.time_since_epoch().count()));

        std::lock_guard const lock{mutex_};
        if (auto const it = cache_.find(name); it != cache_.end() && it->second.etag == etag)
            return it->second;
        auto body = read(path, size);
        if (!body)
            return std::nullopt;
        Asset asset{std::make_shared<std::string const>(std::move(*body)), std::move(etag)};
        if (auto const it = cache_.find(name); it != cache_.end()) {
            cached_bytes_ -= it->second.body->size();
            cache_.erase(it);
        }
        if (size <= kCacheFileLimit && cached_bytes_ + size <= kCacheTotalLimit) {
            cached_bytes_ += asset.body->size();
            cache_.emplace(std::string{name}, asset);
        }
        return asset;
    }

private:
    static std::optional<std::string> read(fs::path const& path, std::uintmax_t size)
    {
        std::ifstream in{path, std::ios::binary};
        std::string body(static_cast<std::size_t>(size), '\0');
        in.read(body.data(), static_cast<std::streamsize>(body.size()));
        if (!in || in.gcount() != static_cast<std::streamsize>(body.size()))
            return std::nullopt;
        return body;
    }

    fs::path const dir_;
    std::mutex mutex_;
    std::map<std::string, Asset, std::less<>> cache_; // by file name
    std::size_t cached_bytes_ = 0;
};

void require_installed(SwaggerUi const& ui)
{
    if (!ui.installed())
        throw http::Error{http::Status::service_unavailable, std::string{kNotInstalled}};
}

// GET /api/docs/:asset: a file of the folder, of a kind that is served.
http::Response serve_asset(SwaggerUi& ui, http::Request const& request)
{
    auto const name = request.param("asset");
    auto const type = asset_content_type(name);
    if (!type || !is_plain_file_name(name))
        not_found(request);
    require_installed(ui);
    auto const file = ui.file(name);
    if (!file)
        not_found(request);
    return cacheable(request, *file->body, *type, file->etag);
}

using Serve = std::function<http::Response(http::Request const&)>;

// A docs route: `serve` runs behind the pipeline's stages like any route. A successful answer
// then gets `caching` in place of the pipeline's no-store, which is meant for API data.
http::Handler docs_route(Pipeline const& pipeline, std::string_view caching, Serve serve)
{
    return [&pipeline, caching,
            serve = std::move(serve)](http::Request& request) -> awaitable<http::Response> {
        auto response = co_await pipeline.run(
            request, [&serve](Exchange& exchange) -> awaitable<http::Response> {
                co_return serve(exchange.request);
            });
        if (response.status == http::Status::ok || response.status == http::Status::not_modified)
            apply_headers(response, {{"Cache-Control", std::string{caching}}});
        response.header("Content-Security-Policy", std::string{kDocsContentSecurityPolicy});
        co_return response;
    };
}

} // namespace

fs::path default_swagger_ui_dir()
{
    return fs::path{SHOP_SOURCE_DIR} / ".local" / "swagger-ui-dist";
}

std::optional<std::string_view> asset_content_type(std::string_view name)
{
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
        {".js", kJavaScript}, {".css", kCss},       {".html", kHtml},
        {".png", kPng},       {".map", kSourceMap},
    };
    for (auto const& [extension, type] : kTypes)
        if (name.size() > extension.size() && name.ends_with(extension))
            return type;
    return std::nullopt;
}

bool is_plain_file_name(std::string_view name)
{
    if (name.empty() || name.size() > 255 || name.front() == '.')
        return false;
    for (char const c : name) {
        bool const plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!plain)
            return false;
    }
    return true;
}

void add_docs_routes(http::Router& routes, Pipeline const& pipeline, fs::path swagger_ui_dir)
{
    auto const ui = std::make_shared<SwaggerUi>(std::move(swagger_ui_dir));
    if (!ui->installed())
        log::Line{log::Level::warn}
            .field("dir", ui->dir().string())
            .emit("Swagger UI's files are missing: /api/docs answers 503 until scripts/setup.sh "
                  "installs them");

    auto const document_etag = etag_of(openapi_document());
    auto const page_etag = etag_of(kPage);
    auto const initializer_etag = etag_of(kInitializer);
    routes.get("/api/docs-json",
               docs_route(pipeline, kPageCaching, [document_etag](http::Request const& request) {
                   return cacheable(request, openapi_document(), http::content_type::kJson,
                                    document_etag);
               }));
    routes.get("/api/docs",
               docs_route(pipeline, kPageCaching, [ui, page_etag](http::Request const& request) {
                   require_installed(*ui);
                   return cacheable(request, kPage, kHtml, page_etag);
               }));
    routes.get(
        "/api/docs/swagger-initializer.js",
        docs_route(pipeline, kPageCaching, [ui, initializer_etag](http::Request const& request) {
            require_installed(*ui);
            return cacheable(request, kInitializer, kJavaScript, initializer_etag);
        }));
    routes.get("/api/docs/:asset",
               docs_route(pipeline, kAssetCaching, [ui](http::Request const& request) {
                   return serve_asset(*ui, request);
               }));
}

} // namespace shop::gateway
