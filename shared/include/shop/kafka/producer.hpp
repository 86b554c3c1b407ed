#pragma once
// An idempotent producer (enable.idempotence, acks=all) with delivery reports served by
// its own thread. A delivery that timed out is reported as `unknown`: the message may or
// may not be in the log, so callers retry it and consumers deduplicate on the event id.
#include <shop/kafka/config.hpp>
#include <shop/kafka/handle.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace shop::kafka {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Message {
    std::string topic;
    std::string key;
    std::string value;
    Headers headers;
};

enum class Delivery { delivered, failed, unknown };

struct DeliveryReport {
    Delivery outcome = Delivery::unknown;
    std::string error; // librdkafka's reason when not delivered
    std::int32_t partition = -1;
    std::int64_t offset = -1;
};

// Delivery outcomes so far and what waits in the local queue, for metrics.
struct ProducerStats {
    std::uint64_t delivered = 0;
    std::uint64_t not_delivered = 0; // failed or unknown: the caller retries
    std::size_t queued = 0;
};

class Producer {
public:
    explicit Producer(Config const& config);
    // Flushes what is queued (bounded by the delivery timeout), then stops.
    ~Producer();
    Producer(Producer const&) = delete;
    Producer& operator=(Producer const&) = delete;

    using OnReport = std::function<void(DeliveryReport const&)>;
    // Queues a message; `on_report` runs later on the producer's thread. A full local
    // queue is waited out (the poll thread drains it); other errors are reported at once.
    void produce(Message const& message, OnReport on_report);

    // Produces every message and waits for all their reports (the outbox relay's way).
    // Blocks: never call it on an I/O thread.
    std::vector<DeliveryReport> produce_and_wait(std::span<Message const> messages);

    // Waits until everything queued is delivered or failed; false on timeout.
    bool flush(std::chrono::milliseconds timeout);

    // Whether a broker answers a metadata request within `timeout` (for readiness checks).
    // Blocks: never call it on an I/O thread.
    bool reachable(std::chrono::milliseconds timeout);

    ProducerStats stats() const; // thread-safe

private:
    static void on_delivery(rd_kafka_t*, rd_kafka_message_t const* message, void*);

    Config config_;
    HandlePtr handle_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> delivered_{0};
    std::atomic<std::uint64_t> not_delivered_{0};
    std::jthread poller_;
};

} // namespace shop::kafka
