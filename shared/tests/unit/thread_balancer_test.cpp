#include <shop/http/thread_balancer.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <thread>

using namespace shop::http;
using balance::Handoff;

namespace {

BalanceOptions const options{}; // busy above 0.5, merge below 0.3

template <std::size_t N>
std::optional<Handoff> plan(std::size_t from, std::array<double, N> const& loads,
                            std::size_t connections)
{
    return balance::plan(from, loads, connections, options);
}

} // namespace

TEST_CASE("new connections go to the first thread that is not busy", "[balance]")
{
    CHECK(balance::place(std::array{0.0, 0.0}, options) == 0);
    CHECK(balance::place(std::array{0.45, 0.0}, options) == 0);
    CHECK(balance::place(std::array{0.7, 0.2}, options) == 1);
    CHECK(balance::place(std::array{0.7, 0.6, 0.1, 0.0}, options) == 2);
    SECTION("when all are busy, to the least loaded")
    {
        CHECK(balance::place(std::array{0.9, 0.6, 0.8}, options) == 1);
    }
}

TEST_CASE("a busy thread hands the least loaded one enough connections to even out", "[balance]")
{
    // 1.0 against 0.0: half of them; 0.8 against 0.2: 3/8 of them.
    auto const saturated = plan(0, std::array{1.0, 0.0}, 64);
    REQUIRE(saturated);
    CHECK(saturated->to == 1);
    CHECK(saturated->connections == 32);
    auto const busy = plan(0, std::array{0.8, 0.2}, 64);
    REQUIRE(busy);
    CHECK(busy->connections == 24);
    SECTION("to the least loaded of the others, whichever it is")
    {
        auto const later = plan(1, std::array{0.3, 0.9, 0.1}, 10);
        REQUIRE(later);
        CHECK(later->to == 2);
        CHECK(later->connections == 4); // 0.8 of 1.8 is 4.4 of ten
    }
    SECTION("one connection at least, never more than it has")
    {
        CHECK(plan(0, std::array{0.6, 0.3}, 1)->connections == 1);
        CHECK(plan(0, std::array{1.0, 0.0}, 1)->connections == 1);
    }
}

TEST_CASE("loads that are even enough, or a thread that is not busy, move nothing", "[balance]")
{
    CHECK_FALSE(plan(0, std::array{0.6, 0.5}, 64)); // a gap under half of busy
    CHECK_FALSE(plan(0, std::array{0.9, 0.7}, 64));
    CHECK_FALSE(plan(0, std::array{0.45, 0.0}, 64));
    CHECK_FALSE(plan(0, std::array{1.0, 0.0}, 0)); // nothing to hand over
    CHECK_FALSE(plan(0, std::array{1.0}, 64));     // nowhere to go
    SECTION("what a handoff leaves behind is stable: neither busy nor small enough to merge")
    {
        CHECK_FALSE(plan(0, std::array{0.55, 0.5}, 32));
        CHECK_FALSE(plan(1, std::array{0.55, 0.5}, 32));
    }
}

TEST_CASE("a later thread whose load fits beside an earlier one's hands it all back", "[balance]")
{
    auto const merged = plan(1, std::array{0.1, 0.15}, 12);
    REQUIRE(merged);
    CHECK(merged->to == 0);
    CHECK(merged->connections == 12);
    auto const third = plan(2, std::array{0.4, 0.05, 0.1}, 3);
    REQUIRE(third);
    CHECK(third->to == 1);                           // the first one it fits beside
    CHECK_FALSE(plan(1, std::array{0.2, 0.15}, 12)); // together 0.35: both stay
    CHECK_FALSE(plan(0, std::array{0.1, 0.1}, 12));  // the first thread never hands back
}

TEST_CASE("one thread keeps every connection", "[balance]")
{
    ThreadBalancer balancer{1, options};
    CHECK(balancer.place() == 0);
    balancer.opened(0);
    auto now = ThreadBalancer::Clock::now();
    for (int i = 0; i < 10; ++i, now += options.window)
        CHECK(balancer.next(0, now) == 0);
}

namespace {

// The CPU time the balancer reads: the test says how much each window used.
std::chrono::nanoseconds cpu_used{0};
std::chrono::nanoseconds fake_cpu()
{
    return cpu_used;
}

} // namespace

TEST_CASE("a thread that measures itself busy hands connections over, counted where they go",
          "[balance]")
{
    using std::chrono::milliseconds;
    cpu_used = {};
    ThreadBalancer balancer{2, options, fake_cpu};
    for (int i = 0; i < 4; ++i)
        balancer.opened(balancer.place());
    CHECK(balancer.place() == 0); // nothing measured yet: everything on the first thread

    auto now = ThreadBalancer::Clock::now();
    CHECK(balancer.next(0, now) == 0); // the first window opens
    now += milliseconds{50};
    CHECK(balancer.next(0, now) == 0); // within the window: not measured yet
    cpu_used += milliseconds{90};
    now += milliseconds{50};
    // 0.9 of a core against none: half of the four go, one at each request's end.
    CHECK(balancer.next(0, now) == 1);
    CHECK(balancer.next(0, now) == 1);
    CHECK(balancer.next(0, now) == 0);
    CHECK(balancer.place() == 1); // the first thread is busy now

    SECTION("once both are nearly idle, the later thread hands its connections back")
    {
        now += milliseconds{100};
        cpu_used += milliseconds{5};
        CHECK(balancer.next(0, now) == 0); // 0.05 now; the first thread never hands back
        CHECK(balancer.next(1, now) == 1); // the later one's first window opens
        now += milliseconds{100};
        cpu_used += milliseconds{5};
        CHECK(balancer.next(1, now) == 0); // 0.05 beside 0.05: both of its connections go
        CHECK(balancer.next(1, now) == 0);
        CHECK(balancer.next(1, now) == 1);
        CHECK(balancer.place() == 0);
    }
    SECTION("a thread that finished no request for two windows counts as idle")
    {
        now += milliseconds{201};
        CHECK(balancer.next(1, now) == 1); // opens its window; the first's 0.9 is stale
        now += milliseconds{100};
        cpu_used += milliseconds{10};
        CHECK(balancer.next(1, now) == 0); // 0.1 beside an idle thread: merged
    }
}
