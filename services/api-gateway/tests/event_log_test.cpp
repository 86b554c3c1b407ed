#include "gateway/event_log.hpp"
#include "gateway/event_routes.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <optional>
#include <thread>

using namespace std::chrono_literals;
using shop::events::Envelope;
using shop::gateway::EventLog;
using shop::gateway::EventLogLimits;
using Clock = std::chrono::steady_clock;

namespace {

Envelope event(std::string type, std::string correlation_id, nlohmann::json data = {},
               std::optional<shop::events::Clock::time_point> occurred_at = {})
{
    static int made = 0; // every event its own id: the log drops one it has seen
    Envelope e;
    e.event_id = "id-" + type + "-" + correlation_id + "-" + std::to_string(++made);
    e.event_type = std::move(type);
    e.occurred_at = occurred_at.value_or(shop::events::Clock::now());
    e.source = "test";
    e.correlation_id = std::move(correlation_id);
    e.data = data.is_null() ? nlohmann::json::object() : std::move(data);
    return e;
}

} // namespace

TEST_CASE("a registration's chain is complete once its user, welcome order and payment are seen",
          "[events][event-log]")
{
    EventLog log;
    log.add(event("user.created", "r-1", {{"userId", "u-1"}}));
    log.add(event("order.created", "r-1",
                  {{"orderId", "o-1"}, {"userId", "u-1"}, {"kind", "welcome"}}));
    log.add(event("user.created", "r-2", {{"userId", "u-2"}}));
    CHECK_FALSE(log.chain("r-1")->complete);
    log.add(event("payment.failed", "r-1", {{"orderId", "o-1"}, {"userId", "u-1"}}));
    auto const chain = log.chain("r-1");
    REQUIRE(chain->events.size() == 3);
    CHECK(chain->events[0].event_type == "user.created");
    CHECK(chain->events[2].event_type == "payment.failed");
    CHECK(chain->events[0].sequence < chain->events[1].sequence);
    CHECK(chain->complete);
    CHECK(log.complete("r-1"));
    CHECK_FALSE(log.chain("r-2")->complete);
    CHECK_FALSE(log.complete("r-2"));
    CHECK_FALSE(log.chain("nobody"));
    CHECK_FALSE(log.complete("nobody"));
}

TEST_CASE("an event delivered twice is shown once, in its chain and in the live feed",
          "[events][event-log]")
{
    EventLog log;
    auto const created = event("user.created", "r-1", {{"userId", "u-1"}});
    auto const uncorrelated = event("user.created", "", {{"userId", "u-2"}});
    log.add(created);
    log.add(uncorrelated);
    auto const before = log.last_sequence();
    log.add(created); // a redelivery: at-least-once, or a relay publishing again
    log.add(uncorrelated);
    CHECK(log.last_sequence() == before);
    CHECK(log.chain("r-1")->events.size() == 1);
    CHECK(log.since(0).size() == 2);

    // Another event of the same type and chain is not a duplicate.
    auto again = created;
    again.event_id = "id-other";
    log.add(again);
    CHECK(log.chain("r-1")->events.size() == 2);
    CHECK(log.since(0).size() == 3);
}

TEST_CASE("a payment read before the order it pays for does not complete the chain yet",
          "[events][event-log]")
{
    // Topics are consumed independently: payment.completed may be read first.
    EventLog log;
    auto const t0 = shop::events::Clock::now();
    log.add(event("payment.completed", "r-1", {{"orderId", "o-1"}}, t0 + 20ms));
    CHECK_FALSE(log.chain("r-1")->complete);
    log.add(event("order.created", "r-1", {{"orderId", "o-1"}, {"kind", "standard"}}, t0));
    auto const chain = log.chain("r-1");
    CHECK(chain->complete);
    // Shown in the order they happened, not the order they were read.
    REQUIRE(chain->events.size() == 2);
    CHECK(chain->events[0].event_type == "order.created");
    CHECK(chain->events[1].event_type == "payment.completed");
}

TEST_CASE("a welcome order's chain waits for the user.created that caused it",
          "[events][event-log]")
{
    EventLog log;
    log.add(event("order.created", "r-1",
                  {{"orderId", "o-1"}, {"userId", "u-1"}, {"kind", "welcome"}}));
    log.add(event("payment.completed", "r-1", {{"orderId", "o-1"}}));
    CHECK_FALSE(log.chain("r-1")->complete);
    log.add(event("user.created", "r-1", {{"userId", "someone-else"}}));
    CHECK_FALSE(log.chain("r-1")->complete);
    log.add(event("user.created", "r-1", {{"userId", "u-1"}}));
    CHECK(log.chain("r-1")->complete);
}

TEST_CASE("the log stays bounded: oldest chains, long chains' tails, large data, the live ring",
          "[events][event-log]")
{
    EventLog log{
        EventLogLimits{.chains = 2, .events_per_chain = 2, .live_events = 3, .data_bytes = 32}};
    log.add(event("user.created", "a"));
    log.add(event("user.created", "b"));
    log.add(event("user.created", "c"));
    CHECK(log.chain_count() == 2);
    CHECK_FALSE(log.chain("a"));
    for (int i = 0; i < 3; ++i)
        log.add(event("order.created", "c"));
    CHECK(log.chain("c")->events.size() == 2);
    log.add(event("order.created", "b", {{"note", std::string(100, 'x')}}));
    CHECK(log.chain("b")->events.back().data == "null");
    auto const live = log.since(0);
    REQUIRE(live.size() == 3);
    CHECK(live.back().sequence == log.last_sequence());
    CHECK(log.since(log.last_sequence()).empty());
}

TEST_CASE("a watcher is woken when an event arrives from another thread", "[events][event-log]")
{
    EventLog log;
    boost::asio::io_context io;
    bool woken = false;
    auto const started = Clock::now();
    auto const signal = log.watch(io.get_executor());
    boost::asio::co_spawn(
        io, [&]() -> shop::awaitable<void> { woken = co_await signal->wait_until(started + 10s); },
        boost::asio::detached);
    std::thread consumer{[&] {
        std::this_thread::sleep_for(50ms);
        log.add(event("payment.completed", "r-1"));
    }};
    io.run();
    consumer.join();
    CHECK(woken);
    CHECK(Clock::now() - started < 5s);
}

TEST_CASE("a watcher is woken by every event, not only the first", "[events][event-log]")
{
    EventLog log;
    boost::asio::io_context io;
    auto const signal = log.watch(io.get_executor());
    int wakes = 0;
    boost::asio::co_spawn(
        io,
        [&]() -> shop::awaitable<void> {
            for (int i = 0; i < 3; ++i)
                wakes += co_await signal->wait_until(Clock::now() + 2s) ? 1 : 0;
        },
        boost::asio::detached);
    std::thread consumer{[&] {
        for (auto const* type : {"user.created", "order.created", "payment.completed"}) {
            std::this_thread::sleep_for(30ms);
            log.add(event(type, "r-1"));
        }
    }};
    io.run();
    consumer.join();
    CHECK(wakes == 3);
}

TEST_CASE("the event view's settings have their defaults and are read from EVENTS_*", "[events]")
{
    using shop::config::Env;
    using shop::gateway::EventViewConfig;
    auto const defaults = EventViewConfig::from_env(Env{{}});
    CHECK(defaults.limits.chains == 2'000);
    CHECK(defaults.max_wait == 30s);
    CHECK(defaults.heartbeat == 15s);
    CHECK(defaults.fetch_wait == 100ms); // not KAFKA_FETCH_WAIT_MS's 10 ms

    auto const set = EventViewConfig::from_env(Env{{{"EVENTS_MAX_CHAINS", "5"},
                                                    {"EVENTS_MAX_WAIT_SECONDS", "3"},
                                                    {"EVENTS_HEARTBEAT_SECONDS", "2"},
                                                    {"EVENTS_FETCH_WAIT_MS", "250ms"},
                                                    {"KAFKA_FETCH_WAIT_MS", "5"}}});
    CHECK(set.limits.chains == 5);
    CHECK(set.max_wait == 3s);
    CHECK(set.heartbeat == 2s);
    CHECK(set.fetch_wait == 250ms);
    CHECK_THROWS_AS(EventViewConfig::from_env(Env{{{"EVENTS_FETCH_WAIT_MS", "soon"}}}),
                    shop::config::Error);
}
