#include "fake_clock.hpp"
#include "gateway/retry_budget.hpp"

#include <catch2/catch.hpp>

using namespace shop::gateway;
using namespace std::chrono_literals;

namespace {
int retries_granted(RetryBudget& budget, int attempts)
{
    int granted = 0;
    for (int i = 0; i < attempts; ++i)
        granted += budget.try_retry() ? 1 : 0;
    return granted;
}
} // namespace

TEST_CASE("a quiet upstream may still be retried up to the floor", "[retry]")
{
    test::FakeClock clock;
    RetryBudget budget{{0.2, 3, 10'000ms}, clock.source()};
    CHECK(retries_granted(budget, 10) == 3);
}

TEST_CASE("retries stay within the ratio of requests plus the floor", "[retry]")
{
    test::FakeClock clock;
    RetryBudget budget{{0.1, 2, 10'000ms}, clock.source()};
    for (int i = 0; i < 100; ++i)
        budget.on_request();
    CHECK(retries_granted(budget, 100) == 12); // 2 + 10% of 100
}

TEST_CASE("the budget refills as windows pass", "[retry]")
{
    test::FakeClock clock;
    RetryBudget budget{{0.2, 2, 10'000ms}, clock.source()};
    CHECK(retries_granted(budget, 5) == 2);
    clock.advance(10'000ms); // the last window still counts
    CHECK(retries_granted(budget, 5) == 0);
    clock.advance(10'000ms);
    CHECK(retries_granted(budget, 5) == 2);
    clock.advance(60'000ms); // a long pause forgets everything
    CHECK(retries_granted(budget, 5) == 2);
}
