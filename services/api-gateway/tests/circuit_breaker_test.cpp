#include "fake_clock.hpp"
#include "gateway/circuit_breaker.hpp"

#include <catch2/catch.hpp>

using namespace shop::gateway;
using namespace std::chrono_literals;

namespace {
CircuitBreaker breaker(test::FakeClock const& clock, std::uint32_t threshold = 3)
{
    return CircuitBreaker{{threshold, 10'000ms, 1}, clock.source()};
}
void fail(CircuitBreaker& b, int times)
{
    for (int i = 0; i < times; ++i) {
        REQUIRE(b.admit().allowed);
        b.on_failure();
    }
}
} // namespace

TEST_CASE("a circuit stays closed below the threshold of consecutive failures", "[breaker]")
{
    test::FakeClock clock;
    auto b = breaker(clock);
    fail(b, 2);
    b.on_success(); // a success resets the count
    fail(b, 2);
    CHECK(b.snapshot().state == BreakerState::closed);
    CHECK(b.snapshot().failures == 2);
    CHECK(b.admit().allowed);
}

TEST_CASE("a circuit opens at the threshold and rejects until the reset timeout", "[breaker]")
{
    test::FakeClock clock;
    auto b = breaker(clock);
    fail(b, 3);
    auto const s = b.snapshot();
    CHECK(s.state == BreakerState::open);
    CHECK(s.times_opened == 1);
    CHECK(s.retry_after == 10'000ms);

    clock.advance(4'000ms);
    auto const rejected = b.admit();
    CHECK_FALSE(rejected.allowed);
    CHECK(rejected.retry_after == 6'000ms);
}

TEST_CASE("after the reset timeout one probe goes through; its success closes the circuit",
          "[breaker]")
{
    test::FakeClock clock;
    auto b = breaker(clock);
    fail(b, 3);
    clock.advance(10'000ms);
    CHECK(b.snapshot().state == BreakerState::half_open);

    auto const probe = b.admit();
    CHECK(probe.allowed);
    CHECK(probe.probe);
    CHECK_FALSE(b.admit().allowed); // only one probe at a time

    b.on_success();
    CHECK(b.snapshot().state == BreakerState::closed);
    CHECK(b.snapshot().failures == 0);
    CHECK(b.admit().allowed);

    // Closed again, it counts from zero and opens at the threshold as the first time.
    fail(b, 2);
    CHECK(b.admit().allowed);
    fail(b, 1);
    CHECK(b.snapshot().state == BreakerState::open);
    CHECK_FALSE(b.admit().allowed);
}

TEST_CASE("a failed probe opens the circuit again for a full reset timeout", "[breaker]")
{
    test::FakeClock clock;
    auto b = breaker(clock);
    fail(b, 3);
    clock.advance(10'000ms);
    REQUIRE(b.admit().probe);
    b.on_failure();
    CHECK(b.snapshot().state == BreakerState::open);
    CHECK(b.snapshot().times_opened == 2);
    clock.advance(9'999ms);
    CHECK_FALSE(b.admit().allowed);
    clock.advance(1ms);
    CHECK(b.admit().probe);
}

TEST_CASE("a probe that never reports back frees its slot after a reset timeout", "[breaker]")
{
    test::FakeClock clock;
    auto b = breaker(clock);
    fail(b, 3);
    clock.advance(10'000ms);
    REQUIRE(b.admit().probe); // its caller vanishes
    clock.advance(5'000ms);
    CHECK_FALSE(b.admit().allowed);
    clock.advance(5'000ms);
    CHECK(b.admit().probe);
}

TEST_CASE("late reports from calls admitted before the circuit opened change nothing", "[breaker]")
{
    test::FakeClock clock;
    auto b = breaker(clock);
    fail(b, 3);
    b.on_success();
    b.on_failure();
    CHECK(b.snapshot().state == BreakerState::open);
    CHECK(b.snapshot().times_opened == 1);
}

TEST_CASE("breaker states have the names /health/circuit shows", "[breaker]")
{
    CHECK(to_string(BreakerState::closed) == "closed");
    CHECK(to_string(BreakerState::open) == "open");
    CHECK(to_string(BreakerState::half_open) == "half-open");
}
