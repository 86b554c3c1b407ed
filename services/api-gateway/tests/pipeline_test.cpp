#include "gateway/pipeline.hpp"
#include "gateway/stages.hpp"

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

namespace {

http::Request::Message with_forwarded_for(std::vector<std::string> const& values)
{
    http::Request::Message message{http::Verb::get, "/api/users", 11};
    message.set("Host", "gateway");
    for (auto const& value : values)
        message.insert("X-Forwarded-For", value);
    return message;
}

} // namespace

TEST_CASE("behind a trusted proxy, the rate limit keys on the address that proxy appended",
          "[pipeline][rate]")
{
    auto const key = [](std::vector<std::string> const& values, bool trust) {
        http::Request request{with_forwarded_for(values), "id"};
        request.set_client_address("10.0.0.9");
        return std::string{gateway::client_key(request, trust)};
    };
    CHECK(key({"203.0.113.7"}, true) == "203.0.113.7");
    // What the client wrote itself comes first; the proxy's own entry is the last.
    CHECK(key({"1.2.3.4, 203.0.113.7"}, true) == "203.0.113.7");
    CHECK(key({"1.2.3.4", " 203.0.113.7 "}, true) == "203.0.113.7");
    // No usable header: the connection's peer.
    CHECK(key({}, true) == "10.0.0.9");
    CHECK(key({"1.2.3.4, "}, true) == "10.0.0.9");
    // Not trusted: the header is ignored.
    CHECK(key({"203.0.113.7"}, false) == "10.0.0.9");
}
