// The api-gateway's documentation: the OpenAPI document over HTTP, Swagger UI's files from
// their folder (and nothing outside it), a 503 without them, and the page as a real browser
// (Debian's headless Chromium) renders it, with no network but the loopback.
#include "http_client.hpp"
#include "service.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

using namespace shop::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The swagger-ui-dist folder that scripts/setup.sh and scripts/test.sh install.
fs::path swagger_ui_dir()
{
    fs::path const dir{SHOP_SWAGGER_UI_DIR};
    INFO("Swagger UI's files are missing in " << dir
                                              << ": run scripts/test.sh (or scripts/setup.sh), "
                                                 "which installs npm's swagger-ui-dist there");
    REQUIRE(fs::is_regular_file(dir / "swagger-ui-bundle.js"));
    return dir;
}

RunningService gateway(fs::path const& dir)
{
    return RunningService{SHOP_API_GATEWAY,
                          {{"SWAGGER_UI_DIR", dir.string()},
                           {"API_KEY", "test-key"},
                           {"KAFKA_BROKER", "127.0.0.1:9"}, // the event view is not under test
                           {"HTTP_THREADS", "2"}}};
}

std::string read_file(fs::path const& path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

// The Chromium found at configure time, else the first on PATH: CI installs Debian's.
std::string chromium()
{
    std::string const configured = SHOP_CHROMIUM;
    if (!configured.empty() && ::access(configured.c_str(), X_OK) == 0)
        return configured;
    if (char const* const path = std::getenv("PATH")) {
        std::stringstream dirs{path};
        std::string dir;
        while (std::getline(dirs, dir, ':'))
            for (auto const* name : {"chromium", "chromium-browser"}) {
                auto const candidate = fs::path{dir} / name;
                if (::access(candidate.c_str(), X_OK) == 0)
                    return candidate.string();
            }
    }
    FAIL("Chromium not found: install Debian's chromium package (scripts/test.sh installs "
         "every package in scripts/lib/common.sh)");
    return {};
}

struct BrowserResult {
    std::string dom;
    std::string log;
};

// Loads `url` in headless Chromium and returns the DOM once the page has settled. Any host
// but the loopback goes to a closed proxy port: nothing leaves the machine.
BrowserResult render(std::string const& url)
{
    TempDir const profile{"shop-docs"};
    auto const log_file = profile.path() / "chromium.log";
    std::string const command =
        "timeout 90 '" + chromium() +
        "' --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
        " --disable-extensions --disable-sync --disable-background-networking"
        " --disable-component-update --disable-default-apps --disable-breakpad --no-pings"
        " --proxy-server=http://127.0.0.1:9 --enable-logging=stderr --log-level=0"
        " --user-data-dir='" +
        (profile.path() / "profile").string() + "' --virtual-time-budget=15000 --dump-dom '" + url +
        "' 2>'" + log_file.string() + "'";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe{::popen(command.c_str(), "r"), ::pclose};
    REQUIRE(pipe);
    BrowserResult result;
    std::array<char, 65536> buffer{};
    while (auto const n = std::fread(buffer.data(), 1, buffer.size(), pipe.get()))
        result.dom.append(buffer.data(), n);
    int const status = ::pclose(pipe.release());
    result.log = read_file(log_file);
    INFO("chromium's log:\n" << result.log);
    REQUIRE(status == 0);
    return result;
}

bool contains(std::string const& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("GET /api/docs-json serves the OpenAPI document", "[gateway][docs]")
{
    auto const gw = gateway(swagger_ui_dir());
    auto const reply = request(gw.port(), "GET", "/api/docs-json");
    REQUIRE(reply.status == 200);
    CHECK(reply.header("content-type").starts_with("application/json"));
    CHECK(reply.header("cache-control") == "no-cache");
    CHECK_FALSE(reply.header("x-request-id").empty());
    auto const doc = json::parse(reply.body);
    CHECK(doc.at("openapi").get<std::string>().starts_with("3."));
    CHECK(doc.at("paths").contains("/api/users"));
    CHECK(doc.at("paths").contains("/api/orders/{id}"));

    auto const etag = reply.header("etag");
    REQUIRE_FALSE(etag.empty());
    auto const again =
        request(gw.port(), "GET", "/api/docs-json", {}, "If-None-Match: " + etag + "\r\n");
    CHECK(again.status == 304);
    CHECK(again.body.empty());
}

TEST_CASE("GET /api/docs serves Swagger UI's page on the document", "[gateway][docs]")
{
    auto const gw = gateway(swagger_ui_dir());
    for (auto const* target : {"/api/docs", "/api/docs/"}) {
        INFO(target);
        auto const reply = request(gw.port(), "GET", target);
        REQUIRE(reply.status == 200);
        CHECK(reply.header("content-type") == "text/html; charset=utf-8");
        CHECK(contains(reply.body, "/api/docs/swagger-ui-bundle.js"));
        CHECK(contains(reply.body, "/api/docs/swagger-initializer.js"));
        CHECK(contains(reply.header("content-security-policy"), "script-src 'self'"));
        CHECK(reply.header("x-content-type-options") == "nosniff");
        CHECK(reply.header("x-frame-options") == "DENY");
        CHECK(reply.header("cache-control") == "no-cache");
    }
    auto const init = request(gw.port(), "GET", "/api/docs/swagger-initializer.js");
    REQUIRE(init.status == 200);
    CHECK(init.header("content-type") == "text/javascript; charset=utf-8");
    CHECK(contains(init.body, "\"/api/docs-json\""));
    CHECK_FALSE(contains(init.body, "petstore"));
}

TEST_CASE("Swagger UI's files are served with their types, cacheable", "[gateway][docs]")
{
    auto const dir = swagger_ui_dir();
    auto const gw = gateway(dir);
    struct Asset {
        char const* name;
        char const* type;
    };
    for (auto const& asset : {Asset{"swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
                              Asset{"swagger-ui.css", "text/css; charset=utf-8"},
                              Asset{"favicon-32x32.png", "image/png"},
                              Asset{"swagger-ui.css.map", "application/json; charset=utf-8"}}) {
        INFO(asset.name);
        auto const reply = request(gw.port(), "GET", std::string{"/api/docs/"} + asset.name);
        REQUIRE(reply.status == 200);
        CHECK(reply.header("content-type") == asset.type);
        CHECK(reply.body == read_file(dir / asset.name));
        CHECK(contains(reply.header("cache-control"), "max-age="));
        CHECK(reply.header("x-content-type-options") == "nosniff");
        auto const etag = reply.header("etag");
        REQUIRE_FALSE(etag.empty());
        auto const again = request(gw.port(), "GET", std::string{"/api/docs/"} + asset.name, {},
                                   "If-None-Match: " + etag + "\r\n");
        CHECK(again.status == 304);
        CHECK(again.body.empty());
    }
}

TEST_CASE("nothing outside Swagger UI's folder is served", "[gateway][docs]")
{
    TempDir const temp{"shop-docs"};
    auto const dir = temp.path() / "swagger-ui-dist";
    fs::create_directories(dir);
    std::ofstream{dir / "swagger-ui-bundle.js"} << "// bundle\n";
    std::ofstream{temp.path() / "secret.js"} << "top-secret-content\n";
    fs::create_symlink(temp.path() / "secret.js", dir / "link.js");
    auto const gw = gateway(dir);

    CHECK(request(gw.port(), "GET", "/api/docs/swagger-ui-bundle.js").status == 200);
    for (auto const* target : {
             "/api/docs/..%2Fsecret.js", "/api/docs/%2e%2e%2fsecret.js",
             "/api/docs/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/api/docs/../secret.js",
             "/api/docs/..%5csecret.js",
             "/api/docs/link.js",       // a link out of the folder
             "/api/docs/missing.js",    // not there
             "/api/docs/package.json",  // not a kind that is served
             "/api/docs/.hidden.js",    // hidden
             "/api/docs/a%00.js",       // NUL
             "/api/docs/sub/secret.js", // no subfolders
         }) {
        INFO(target);
        auto const reply = request(gw.port(), "GET", target);
        CHECK((reply.status == 404 || reply.status == 400));
        CHECK_FALSE(contains(reply.body, "top-secret-content"));
    }
    CHECK(request(gw.port(), "GET", "/health/live").status == 200);
}

TEST_CASE("without Swagger UI's files /api/docs is a 503 that says what to run", "[gateway][docs]")
{
    TempDir const temp{"shop-docs"};
    auto gw = gateway(temp.path() / "nowhere");
    for (auto const* target : {"/api/docs", "/api/docs/swagger-ui-bundle.js"}) {
        INFO(target);
        auto const reply = request(gw.port(), "GET", target, {}, "X-Request-Id: docs-503\r\n");
        REQUIRE(reply.status == 503);
        CHECK(reply.header("content-type").starts_with("application/json"));
        auto const body = json::parse(reply.body);
        CHECK(body.at("statusCode") == 503);
        CHECK(body.at("error") == "Service Unavailable");
        CHECK(body.at("requestId") == "docs-503");
        CHECK(contains(body.at("message").get<std::string>(), "scripts/setup.sh"));
        CHECK(contains(body.at("message").get<std::string>(), "SWAGGER_UI_DIR"));
        CHECK(reply.header("cache-control") == "no-store");
    }
    CHECK(request(gw.port(), "GET", "/api/docs-json").status == 200); // compiled in
    CHECK(request(gw.port(), "GET", "/health/live").status == 200);
    CHECK_FALSE(gw.process().wait_exit(std::chrono::milliseconds{0}));
}

TEST_CASE("a headless browser shows every operation in Swagger UI", "[gateway][docs][browser]")
{
    auto const gw = gateway(swagger_ui_dir());
    auto const page = render("http://127.0.0.1:" + std::to_string(gw.port()) + "/api/docs");
    INFO("DOM:\n" << page.dom.substr(0, 4000) << "\nchromium's log:\n" << page.log);
    CHECK(contains(page.dom, "swagger-ui"));
    CHECK(contains(page.dom, "Shop API"));
    CHECK(contains(page.dom, "opblock"));
    for (auto const* path :
         {"/api/users", "/api/users/{id}", "/api/orders", "/api/orders/{id}", "/api/payments",
          "/api/payments/{id}", "/api/events/{correlationId}", "/api/events/stream", "/health/live",
          "/health/ready", "/health/circuit/{name}", "/metrics"}) {
        INFO(path);
        // Swagger UI breaks paths into spans at each '/', so look for the data attribute.
        CHECK(contains(page.dom, std::string{"data-path=\""} + path + "\""));
    }
    for (auto const* summary : {"Create a new user", "Get order by ID", "Get all payments",
                                "Get the event chain of a request"})
        CHECK(contains(page.dom, summary));
    CHECK_FALSE(contains(page.log, "Content Security Policy"));
    CHECK_FALSE(contains(page.log, "Uncaught"));
    CHECK_FALSE(contains(page.dom, "Failed to load API definition"));
}
