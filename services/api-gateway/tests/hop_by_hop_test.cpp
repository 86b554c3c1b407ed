#include "gateway/hop_by_hop.hpp"

#include <catch2/catch.hpp>

using namespace shop::gateway;

TEST_CASE("RFC 9110 hop-by-hop headers are recognised in any case", "[hop]")
{
    std::vector<std::string> const none;
    for (auto const* name : {"Connection", "keep-alive", "TE", "Transfer-Encoding", "Upgrade",
                             "Proxy-Connection", "Proxy-Authenticate", "proxy-authorization"})
        CHECK(is_hop_by_hop(name, none));
    for (auto const* name : {"Content-Type", "X-Request-Id", "traceparent", "Location",
                             "X-Total-Count", "Authorization", "Tea", "Proxy"})
        CHECK_FALSE(is_hop_by_hop(name, none));
}

TEST_CASE("headers named by Connection are hop-by-hop too", "[hop]")
{
    auto const options = connection_options({"keep-alive, X-Secret", " x-other ,,"});
    CHECK(options == std::vector<std::string>{"keep-alive", "x-secret", "x-other"});
    CHECK(is_hop_by_hop("X-SECRET", options));
    CHECK(is_hop_by_hop("x-other", options));
    CHECK_FALSE(is_hop_by_hop("x-public", options));
}
