#include "gateway/pipeline.hpp"

#include <catch2/catch.hpp>

using namespace shop;
using gateway::apply_headers;
using gateway::Headers;

TEST_CASE("stage headers are set on a response that has none of its own", "[pipeline]")
{
    http::Response response;
    apply_headers(response, {{"Cache-Control", "no-store"}, {"Vary", "Origin"}});
    CHECK(response.headers == Headers{{"Cache-Control", "no-store"}, {"Vary", "Origin"}});
}

TEST_CASE("a stage header replaces the handler's of the same name, in any case", "[pipeline]")
{
    http::Response response;
    response.header("cache-control", "public, max-age=60").header("Location", "/api/users/1");
    apply_headers(response, {{"Cache-Control", "no-store"}});
    CHECK(response.headers == Headers{{"Location", "/api/users/1"}, {"Cache-Control", "no-store"}});
}

TEST_CASE("Vary is merged with the handler's, each value once", "[pipeline]")
{
    http::Response merged;
    merged.header("vary", "Accept-Encoding");
    apply_headers(merged, {{"Vary", "Origin"}});
    CHECK(merged.headers == Headers{{"vary", "Accept-Encoding, Origin"}});

    http::Response already;
    already.header("Vary", "Origin");
    apply_headers(already, {{"Vary", "Origin"}});
    CHECK(already.headers == Headers{{"Vary", "Origin"}});
}
