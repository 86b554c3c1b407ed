#include "fake_clock.hpp"
#include "gateway/rate_limiter.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace shop::gateway;
using namespace std::chrono_literals;

TEST_CASE("a client gets max requests per window, then is refused until it ends", "[rate]")
{
    test::FakeClock clock;
    RateLimiter limiter{{3, 60'000ms, 100}, clock.source()};
    auto const first = limiter.hit("10.0.0.1");
    CHECK(first.allowed);
    CHECK(first.limit == 3);
    CHECK(first.remaining == 2);
    CHECK(first.reset == 60s);
    CHECK(limiter.hit("10.0.0.1").remaining == 1);
    CHECK(limiter.hit("10.0.0.1").remaining == 0);

    clock.advance(15'500ms);
    auto const refused = limiter.hit("10.0.0.1");
    CHECK_FALSE(refused.allowed);
    CHECK(refused.remaining == 0);
    CHECK(refused.reset == 45s); // 44.5 s rounded up

    CHECK(limiter.hit("10.0.0.2").allowed); // other clients are not affected

    clock.advance(44'500ms);
    auto const next = limiter.hit("10.0.0.1");
    CHECK(next.allowed);
    CHECK(next.remaining == 2);
}

TEST_CASE("the client table is emptied when a window ends", "[rate]")
{
    test::FakeClock clock;
    RateLimiter limiter{{5, 1'000ms, 100}, clock.source()};
    for (int i = 0; i < 50; ++i)
        limiter.hit("client-" + std::to_string(i));
    CHECK(limiter.tracked_clients() == 50);
    clock.advance(1'000ms);
    limiter.hit("client-0");
    CHECK(limiter.tracked_clients() == 1);
}

TEST_CASE("clients beyond the table's bound share one bucket", "[rate]")
{
    test::FakeClock clock;
    RateLimiter limiter{{2, 60'000ms, 10}, clock.source()};
    for (int i = 0; i < 10; ++i)
        REQUIRE(limiter.hit("client-" + std::to_string(i)).allowed);
    CHECK(limiter.hit("newcomer-1").allowed);
    CHECK(limiter.hit("newcomer-2").allowed);
    CHECK_FALSE(limiter.hit("newcomer-3").allowed);
    CHECK(limiter.tracked_clients() == 11);
    CHECK(limiter.hit("client-0").allowed); // known clients keep their own count
}
