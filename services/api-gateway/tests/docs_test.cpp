#include "gateway/docs.hpp"

#include <catch2/catch.hpp>

using namespace shop::gateway;

TEST_CASE("Swagger UI's files are served with their content types", "[docs]")
{
    CHECK(asset_content_type("swagger-ui-bundle.js") == "text/javascript; charset=utf-8");
    CHECK(asset_content_type("swagger-ui.css") == "text/css; charset=utf-8");
    CHECK(asset_content_type("index.html") == "text/html; charset=utf-8");
    CHECK(asset_content_type("favicon-32x32.png") == "image/png");
    CHECK(asset_content_type("swagger-ui-bundle.js.map") == "application/json; charset=utf-8");
}

TEST_CASE("other kinds of file in the folder are not served", "[docs]")
{
    for (auto const* name : {"LICENSE", "package.json", "README.md", "NOTICE", ".js",
                             "swagger-ui-bundle.js.LICENSE.txt", "log.bundle-sizes.swagger-ui.txt"})
        CHECK_FALSE(asset_content_type(name));
}

TEST_CASE("only plain file names can name an asset", "[docs]")
{
    for (auto const* name : {"swagger-ui-bundle.js", "favicon-16x16.png", "index.css", "a_b.js"})
        CHECK(is_plain_file_name(name));
    for (auto const* name :
         {"", ".", "..", "../etc/passwd", "..%2Fetc", "a/b.js", "a\\b.js", ".hidden.js",
          "/etc/passwd", "index.css\n", "a b.js", "a%00.js", "swagger-ui.css?x=1"})
        CHECK_FALSE(is_plain_file_name(name));
    CHECK_FALSE(is_plain_file_name(std::string_view{"a\0b.js", 6}));
    CHECK_FALSE(is_plain_file_name(std::string(256, 'a')));
}

TEST_CASE("the docs page's Content-Security-Policy lets Swagger UI's own files run", "[docs]")
{
    std::string_view const csp = kDocsContentSecurityPolicy;
    CHECK(csp.find("script-src 'self'") != std::string_view::npos);
    CHECK(csp.find("style-src 'self'") != std::string_view::npos);
    CHECK(csp.find("connect-src 'self'") != std::string_view::npos);   // fetches /api/docs-json
    CHECK(csp.find("img-src 'self' data:") != std::string_view::npos); // its icons
    CHECK(csp.find("unsafe-eval") == std::string_view::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string_view::npos);
}

TEST_CASE("Swagger UI's files are found in the source tree by default", "[docs]")
{
    auto const dir = default_swagger_ui_dir();
    CHECK(dir.is_absolute());
    CHECK(dir.filename() == "swagger-ui-dist");
}
