#include "gateway/cors.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace shop::gateway;

namespace {
struct CorsDecision {
    bool preflight = false;
    Headers headers;
};

CorsDecision decide(CorsPolicy const& policy, CorsRequest const& request)
{
    CorsDecision d;
    d.preflight = policy.decide(request, d.headers);
    return d;
}

std::string header(CorsDecision const& d, std::string_view name)
{
    auto const it =
        std::ranges::find_if(d.headers, [name](auto const& h) { return h.first == name; });
    return it == d.headers.end() ? "" : it->second;
}
} // namespace

TEST_CASE("a preflight from an allowed origin gets methods, headers and max age", "[cors]")
{
    CorsPolicy const policy{{"https://shop.example", "http://localhost:3000"}};
    auto const d = decide(policy, {"OPTIONS", "https://shop.example", "POST"});
    CHECK(d.preflight);
    CHECK(header(d, "Access-Control-Allow-Origin") == "https://shop.example");
    CHECK(header(d, "Access-Control-Allow-Credentials") == "true");
    CHECK_THAT(header(d, "Access-Control-Allow-Methods"), Catch::Contains("POST"));
    CHECK_THAT(header(d, "Access-Control-Allow-Headers"), Catch::Contains("Content-Type"));
    CHECK(header(d, "Access-Control-Max-Age") == "600");
    CHECK(header(d, "Vary") == "Origin");
}

TEST_CASE("other origins get no CORS header, only Vary", "[cors]")
{
    CorsPolicy const policy{{"https://shop.example"}};
    for (auto const* origin : {"https://evil.example", "https://shop.example.evil", "null", ""}) {
        auto const d = decide(policy, {"OPTIONS", origin, "DELETE"});
        CHECK(d.headers.size() == 1);
        CHECK(header(d, "Vary") == "Origin");
    }
}

TEST_CASE("a simple request from an allowed origin is not a preflight", "[cors]")
{
    CorsPolicy const policy{{"https://shop.example"}};
    auto const d = decide(policy, {"GET", "https://shop.example", ""});
    CHECK_FALSE(d.preflight);
    CHECK(header(d, "Access-Control-Allow-Origin") == "https://shop.example");
    CHECK_THAT(header(d, "Access-Control-Expose-Headers"), Catch::Contains("X-Request-Id"));
    CHECK(header(d, "Access-Control-Allow-Methods").empty());
    // OPTIONS without Access-Control-Request-Method is an ordinary request.
    CHECK_FALSE(decide(policy, {"OPTIONS", "https://shop.example", ""}).preflight);
}

TEST_CASE("a wildcard allows any origin, without credentials", "[cors]")
{
    CorsPolicy const policy{{"*"}};
    auto const d = decide(policy, {"GET", "https://anyone.example", ""});
    CHECK(header(d, "Access-Control-Allow-Origin") == "https://anyone.example");
    CHECK(header(d, "Access-Control-Allow-Credentials").empty());
    CHECK_FALSE(CorsPolicy{{}}.allows("https://anyone.example"));
}
