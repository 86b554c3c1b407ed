// The shared library's producer and consumer against the Kafka dev broker.
#include "dev_broker.hpp"
#include "service.hpp"

#include <shop/events/envelope.hpp>
#include <shop/kafka/consumer.hpp>
#include <shop/log/log.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

using namespace shop;
using namespace std::chrono_literals;

namespace {

// A dev broker of the test's own on a free port.
class Broker : public test::DevBroker {
public:
    kafka::Config config(std::string const& group) const
    {
        kafka::Config c;
        c.brokers = address();
        c.client_id = "kafka-test";
        c.group_id = group;
        c.max_attempts = 3;
        c.delivery_timeout = 3s;
        return c;
    }
};

// Collects what a handler saw, for assertions from the test thread.
class Seen {
public:
    void add(kafka::Record const& r)
    {
        std::lock_guard lock{mutex_};
        records_.push_back(r);
    }
    std::vector<kafka::Record> wait_for(std::size_t count, std::chrono::milliseconds timeout = 15s)
    {
        auto const deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            {
                std::lock_guard lock{mutex_};
                if (records_.size() >= count)
                    return records_;
            }
            std::this_thread::sleep_for(10ms);
        }
        std::lock_guard lock{mutex_};
        return records_;
    }

private:
    std::mutex mutex_;
    std::vector<kafka::Record> records_;
};

kafka::Message message(std::string topic, std::string key, std::string value)
{
    auto request_id = "req-" + key;
    return {std::move(topic), std::move(key), std::move(value), {{"x-request-id", request_id}}};
}

} // namespace

TEST_CASE("produced messages are delivered and consumed in partition order with headers", "[kafka]")
{
    Broker broker;
    kafka::Producer producer{broker.config("g")};
    std::vector<kafka::Message> batch;
    for (int i = 0; i < 20; ++i)
        batch.push_back(
            message("user.created", "user-" + std::to_string(i % 4), std::to_string(i)));
    auto const reports = producer.produce_and_wait(batch);
    for (auto const& report : reports) {
        CHECK(report.outcome == kafka::Delivery::delivered);
        CHECK(report.offset >= 0);
    }

    Seen seen;
    kafka::Consumer consumer{broker.config("order-test"), producer};
    consumer.on("user.created", [&](kafka::Record const& r) { seen.add(r); });
    consumer.start();
    auto const records = seen.wait_for(20);
    REQUIRE(records.size() == 20);
    // Same key, same partition, produced order kept.
    std::map<std::string, int> last;
    for (auto const& r : records) {
        CHECK(r.header("x-request-id") == "req-" + r.key);
        auto const value = std::stoi(r.value);
        if (last.count(r.key))
            CHECK(value > last[r.key]);
        last[r.key] = value;
    }
}

TEST_CASE("a poison message goes to the dead-letter topic and the consumer goes on", "[kafka]")
{
    Broker broker;
    kafka::Producer producer{broker.config("g")};
    producer.produce_and_wait(std::vector{message("order.created", "o1", "not an event"),
                                          message("order.created", "o1", "fine")});
    Seen handled;
    kafka::Consumer consumer{broker.config("poison-test"), producer};
    consumer.on("order.created", [&](kafka::Record const& r) {
        if (r.value == "not an event")
            throw events::InvalidEvent{"the message is not JSON"};
        handled.add(r);
    });
    consumer.start();
    REQUIRE(handled.wait_for(1).size() == 1);

    Seen letters;
    kafka::Consumer reader{broker.config("dlq-reader"), producer};
    reader.on("order.created.dlq", [&](kafka::Record const& r) { letters.add(r); });
    reader.start();
    auto const dead = letters.wait_for(1);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].value == "not an event");
    CHECK(dead[0].key == "o1");
    CHECK(dead[0].header("dlq-error") == "the message is not JSON");
    CHECK(dead[0].header("dlq-attempts") == "1");
    CHECK(dead[0].header("dlq-original-topic") == "order.created");
    CHECK(dead[0].header("dlq-original-offset") == "0");
    CHECK(dead[0].header("x-request-id") == "req-o1");
}

TEST_CASE("a transient failure is retried without skipping the message", "[kafka]")
{
    Broker broker;
    kafka::Producer producer{broker.config("g")};
    producer.produce_and_wait(std::vector{message("payment.completed", "o7", "first"),
                                          message("payment.completed", "o7", "second")});
    std::atomic<int> attempts{0};
    Seen handled;
    kafka::Consumer consumer{broker.config("transient-test"), producer};
    consumer.set_backoff(5ms, 20ms);
    consumer.on("payment.completed", [&](kafka::Record const& r) {
        // The database is "down" for the first message's first 10 attempts: more than
        // max_attempts, yet a transient error never dead-letters.
        if (r.value == "first" && ++attempts <= 10)
            throw kafka::TransientError{"database unavailable"};
        handled.add(r);
    });
    consumer.start();
    auto const records = handled.wait_for(2);
    REQUIRE(records.size() == 2);
    CHECK(records[0].value == "first");
    CHECK(records[1].value == "second");
    CHECK(attempts == 11);
}

TEST_CASE("an unexpected failure is dead-lettered after the last attempt", "[kafka]")
{
    Broker broker;
    kafka::Producer producer{broker.config("g")};
    producer.produce_and_wait(
        std::vector{message("user.deleted", "u1", "boom"), message("user.deleted", "u1", "ok")});
    std::atomic<int> attempts{0};
    Seen handled;
    kafka::Consumer consumer{broker.config("failing-test"), producer};
    consumer.set_backoff(5ms, 20ms);
    consumer.on("user.deleted", [&](kafka::Record const& r) {
        if (r.value == "boom") {
            ++attempts;
            throw std::runtime_error{"handler bug"};
        }
        handled.add(r);
    });
    consumer.start();
    REQUIRE(handled.wait_for(1).size() == 1);
    CHECK(attempts == 3);
}

TEST_CASE("an offset is stored only once its message is done with", "[kafka]")
{
    Broker broker;
    kafka::Producer producer{broker.config("g")};
    producer.produce_and_wait(
        std::vector{message("user.updated", "u1", "a"), message("user.updated", "u1", "b")});
    Seen first_run;
    {
        kafka::Consumer consumer{broker.config("restart-test"), producer};
        consumer.set_backoff(50ms, 50ms);
        consumer.on("user.updated", [&](kafka::Record const& r) {
            if (r.value == "b")
                throw kafka::TransientError{"still down"}; // never done in this run
            first_run.add(r);
        });
        consumer.start();
        REQUIRE(first_run.wait_for(1).size() == 1);
        std::this_thread::sleep_for(200ms); // "b" is being retried when we stop
    }
    // A new member of the group starts after "a" and sees "b" again.
    Seen second_run;
    kafka::Consumer consumer{broker.config("restart-test"), producer};
    consumer.on("user.updated", [&](kafka::Record const& r) { second_run.add(r); });
    consumer.start();
    auto const records = second_run.wait_for(1);
    REQUIRE(records.size() == 1);
    CHECK(records[0].value == "b");
    std::this_thread::sleep_for(300ms);
    CHECK(second_run.wait_for(1, 0ms).size() == 1);
}
