#include "gateway/signal.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <thread>

using namespace std::chrono_literals;
using shop::gateway::Signal;
using Clock = std::chrono::steady_clock;

namespace {

// Runs one wait_until(now + deadline) on its own io_context; `during` runs once the wait
// has started. Returns what the wait returned and how long it took.
std::pair<bool, Clock::duration> timed_wait(Clock::duration deadline,
                                            std::function<void(Signal&)> const& during)
{
    boost::asio::io_context io;
    Signal signal{io.get_executor()};
    bool woken = false;
    auto const started = Clock::now();
    boost::asio::co_spawn(
        io,
        [&]() -> shop::awaitable<void> { woken = co_await signal.wait_until(started + deadline); },
        boost::asio::detached);
    std::thread other{[&] { during(signal); }};
    io.run();
    other.join();
    return {woken, Clock::now() - started};
}

} // namespace

TEST_CASE("a wake-up from another thread ends the wait at once", "[events][signal]")
{
    auto const [woken, took] = timed_wait(10s, [](Signal& signal) {
        std::this_thread::sleep_for(50ms);
        signal.notify();
    });
    CHECK(woken);
    CHECK(took < 5s);
}

TEST_CASE("a wake-up sent before the wait is kept for it", "[events][signal]")
{
    boost::asio::io_context io;
    Signal signal{io.get_executor()};
    signal.notify();
    signal.notify(); // one pending wake-up is enough
    bool first = false;
    bool second = true;
    boost::asio::co_spawn(
        io,
        [&]() -> shop::awaitable<void> {
            first = co_await signal.wait_until(Clock::now() + 10s);
            second = co_await signal.wait_until(Clock::now() + 50ms);
        },
        boost::asio::detached);
    io.run();
    CHECK(first);
    CHECK_FALSE(second);
}

TEST_CASE("without a wake-up the wait ends at its deadline", "[events][signal]")
{
    auto const [woken, took] = timed_wait(50ms, [](Signal&) {});
    CHECK_FALSE(woken);
    CHECK(took >= 50ms);
}

TEST_CASE("a signal wakes its waiter again and again", "[events][signal]")
{
    boost::asio::io_context io;
    Signal signal{io.get_executor()};
    int wakes = 0;
    auto const started = Clock::now();
    boost::asio::co_spawn(
        io,
        [&]() -> shop::awaitable<void> {
            for (int i = 0; i < 3; ++i)
                if (co_await signal.wait_until(Clock::now() + 10s))
                    ++wakes;
        },
        boost::asio::detached);
    std::thread other{[&] {
        for (int i = 0; i < 3; ++i) {
            std::this_thread::sleep_for(30ms);
            signal.notify();
        }
    }};
    io.run();
    other.join();
    CHECK(wakes == 3);
    CHECK(Clock::now() - started < 5s);
}
