// The outbox relay and the inbox against a real PostgreSQL and the Kafka dev broker.
#include "dev_broker.hpp"
#include "http_client.hpp"
#include "postgres.hpp"
#include "service.hpp"

#include <shop/db/migrate.hpp>
#include <shop/events/events.hpp>
#include <shop/kafka/consumer.hpp>
#include <shop/outbox/outbox.hpp>
#include <shop/outbox/relay.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <mutex>
#include <set>
#include <thread>

using namespace shop;
using namespace std::chrono_literals;

namespace {

test::TempPostgres& postgres()
{
    static test::TempPostgres server;
    return server;
}

std::filesystem::path const kSharedMigrations = SHOP_SHARED_MIGRATIONS;

class Broker : public test::DevBroker {
public:
    kafka::Config config(std::string const& group) const
    {
        kafka::Config c;
        c.brokers = address();
        c.client_id = "outbox-test";
        c.group_id = group;
        c.delivery_timeout = 1s;
        return c;
    }
};

// A service's database with the shared schema, and a pool on it.
struct Database {
    BlockingPool blocking{2};
    db::Pool pool;

    explicit Database(std::string const& name) : pool{config(name), blocking}
    {
        db::migrate(pool, kSharedMigrations);
    }
    static db::Config config(std::string const& name)
    {
        db::Config c;
        c.url = postgres().create_database(name);
        c.pool_size = 4;
        return c;
    }
};

// Every event id seen on a topic, by a consumer of its own.
class Topic {
public:
    Topic(Broker const& broker, kafka::Producer& producer, std::string const& topic)
        : consumer_{broker.config("reader-" + topic), producer}
    {
        consumer_.on(topic, [this](kafka::Record const& r) {
            std::lock_guard lock{mutex_};
            ids_.push_back(events::Envelope::parse(r.value).event_id);
        });
        consumer_.start();
    }
    std::vector<std::string> wait_for(std::size_t count, std::chrono::milliseconds timeout = 20s)
    {
        auto const deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            {
                std::lock_guard lock{mutex_};
                if (ids_.size() >= count || std::chrono::steady_clock::now() > deadline)
                    return ids_;
            }
            std::this_thread::sleep_for(10ms);
        }
    }

private:
    kafka::Consumer consumer_;
    std::mutex mutex_;
    std::vector<std::string> ids_;
};

std::string append_user(db::Pool& pool, std::string const& id, bool commit = true)
{
    auto const envelope = events::envelope_for(
        events::UserCreated{id, id + "@example.com", "U", "user", events::Clock::now()},
        "user-service", "req-" + id);
    pool.run_sync([&](pqxx::work& tx) {
        outbox::append(tx, envelope, id);
        if (commit)
            tx.commit();
    });
    return envelope.event_id;
}

std::int64_t unpublished(db::Pool& pool)
{
    return pool.run_sync([](pqxx::work& tx) {
        return tx.exec("SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]
            .as<std::int64_t>();
    });
}

outbox::RelayOptions slow_poll()
{
    outbox::RelayOptions o;
    o.poll_interval = 60s; // anything published sooner was woken, not polled
    o.backoff_first = 50ms;
    o.backoff_max = 200ms;
    return o;
}

} // namespace

TEST_CASE("a committed event is published at once and a rolled back one never", "[outbox]")
{
    Broker broker;
    Database database{"outbox_commit"};
    kafka::Producer producer{broker.config("p")};
    outbox::Relay relay{database.pool, producer, slow_poll()};
    relay.start();
    Topic topic{broker, producer, "user.created"};

    append_user(database.pool, "rolled-back", false);
    auto const id = append_user(database.pool, "u1");
    auto const started = std::chrono::steady_clock::now();
    auto const seen = topic.wait_for(1);
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == id);
    std::this_thread::sleep_for(300ms);
    CHECK(topic.wait_for(1, 0ms).size() == 1);
    CHECK(unpublished(database.pool) == 0);
}

TEST_CASE("events appended while the broker is down are all published once it is back", "[outbox]")
{
    Broker broker;
    Database database{"outbox_outage"};
    kafka::Producer producer{broker.config("p")};
    outbox::Relay relay{database.pool, producer, slow_poll()};
    relay.start();

    broker.down();
    std::set<std::string> appended;
    for (int i = 0; i < 20; ++i)
        appended.insert(append_user(database.pool, "down-" + std::to_string(i)));
    std::this_thread::sleep_for(1500ms); // past the delivery timeout: reports come back failed
    CHECK(unpublished(database.pool) == 20);

    broker.up();
    Topic topic{broker, producer, "user.created"};
    auto const seen = topic.wait_for(20, 30s);
    std::set<std::string> const distinct{seen.begin(), seen.end()};
    CHECK(distinct == appended);
    CHECK(test::eventually([&] { return unpublished(database.pool) == 0; }, 10s));
}

TEST_CASE("a NOTIFY from another instance wakes the relay", "[outbox]")
{
    Broker broker;
    Database database{"outbox_notify"};
    kafka::Producer producer{broker.config("p")};
    outbox::Relay relay{database.pool, producer, slow_poll()};
    relay.start();
    Topic topic{broker, producer, "user.created"};
    std::this_thread::sleep_for(300ms); // the relay is listening

    // Another instance: its own pool on the same database, no relay of its own.
    BlockingPool other_blocking{1};
    db::Pool other{database.pool.config(), other_blocking};
    auto const id = append_user(other, "from-elsewhere");
    auto const seen = topic.wait_for(1, 10s);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == id);
}

TEST_CASE("two relays on one outbox publish every event exactly once", "[outbox]")
{
    Broker broker;
    Database database{"outbox_two_relays"};
    kafka::Producer producer{broker.config("p")};
    outbox::Relay first{database.pool, producer, slow_poll()};
    BlockingPool other_blocking{2};
    db::Pool other{database.pool.config(), other_blocking};
    outbox::Relay second{other, producer, slow_poll()};
    first.start();
    second.start();

    std::set<std::string> appended;
    for (int i = 0; i < 100; ++i)
        appended.insert(append_user(i % 2 ? database.pool : other, "two-" + std::to_string(i)));
    Topic topic{broker, producer, "user.created"};
    topic.wait_for(100);
    std::this_thread::sleep_for(500ms); // duplicates, if any, would arrive now
    auto const all = topic.wait_for(100, 0ms);
    CHECK(all.size() == 100);
    CHECK(std::set<std::string>{all.begin(), all.end()} == appended);
    CHECK(first.published() + second.published() == 100);
}

TEST_CASE("the inbox remembers an event once", "[outbox][inbox]")
{
    Database database{"inbox_once"};
    auto const remember = [&] {
        return database.pool.run_sync([](pqxx::work& tx) {
            bool const fresh =
                inbox::remember(tx, "7b0e4a52-3d5c-4a8e-9a57-3b7e2b9f6c11", "user.created");
            tx.commit();
            return fresh;
        });
    };
    CHECK(remember());
    CHECK_FALSE(remember());
    // Rolled back, the record is gone with the effect.
    database.pool.run_sync([](pqxx::work& tx) {
        CHECK(inbox::remember(tx, "0c5e0f0e-8f2a-4c47-b1b7-8b0a7f0f3e22", "order.created"));
    });
    CHECK(database.pool.run_sync([](pqxx::work& tx) {
        bool const fresh =
            inbox::remember(tx, "0c5e0f0e-8f2a-4c47-b1b7-8b0a7f0f3e22", "order.created");
        tx.commit();
        return fresh;
    }));
}
