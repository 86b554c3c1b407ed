#include "gateway/config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using shop::config::Env;
using shop::gateway::Config;
using shop::gateway::UpstreamConfig;

namespace {

UpstreamConfig users(std::string url)
{
    auto const config = Config::from_env(Env{{{"USER_SERVICE_URL", std::move(url)}}});
    auto const it = std::ranges::find(config.upstreams, "user-service", &UpstreamConfig::name);
    REQUIRE(it != config.upstreams.end());
    return *it;
}

} // namespace

TEST_CASE("an upstream URL gives the address the gateway connects to and the Host it sends",
          "[config]")
{
    auto const named = users("http://users.internal:3001/");
    CHECK(named.host == "users.internal");
    CHECK(named.port == "3001");
    CHECK(named.base_path.empty());
    CHECK(named.host_header() == "users.internal:3001");

    auto const default_port = users("http://users.internal/v1/");
    CHECK(default_port.port == "80");
    CHECK(default_port.base_path == "/v1");
    CHECK(default_port.host_header() == "users.internal");

    // An IPv6 literal: connected to without brackets, named with them (RFC 9110 §7.2).
    auto const v6 = users("http://[::1]:3001");
    CHECK(v6.host == "::1");
    CHECK(v6.host_header() == "[::1]:3001");
    CHECK(users("http://[::1]").host_header() == "[::1]");

    CHECK_THROWS(users("https://users.internal"));
    CHECK_THROWS(users("http://users.internal/?q=1"));
}
