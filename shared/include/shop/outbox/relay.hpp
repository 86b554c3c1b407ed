#pragma once
// Publishes outbox rows to Kafka: right after a commit in this process (wake()), on a
// NOTIFY from another instance, and on a slow poll as a fallback. Rows are claimed with
// FOR UPDATE SKIP LOCKED, so several instances share the work without publishing a row
// twice in the normal case, and marked published only after the delivery report. While
// Kafka or the database is down it retries with backoff; nothing is skipped.
//
// Ordering: one relay publishes its batch in id order, and the idempotent producer keeps
// that order per partition. Two instances publishing at the same moment may interleave
// events of one aggregate; consumers must not rely on more than the per-instance order.
#include <shop/db/pool.hpp>
#include <shop/kafka/producer.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

namespace shop::outbox {

struct RelayOptions {
    std::size_t batch = 100;
    std::chrono::milliseconds poll_interval{2'000}; // fallback when no wake-up comes
    std::chrono::milliseconds backoff_first{100};
    std::chrono::milliseconds backoff_max{5'000};
};

class Relay {
public:
    // `pool` and `producer` must outlive the relay.
    Relay(db::Pool& pool, kafka::Producer& producer, RelayOptions options = {});
    ~Relay(); // stop()
    Relay(Relay const&) = delete;
    Relay& operator=(Relay const&) = delete;

    void start();
    // Finishes the batch in hand, then stops both threads. Idempotent.
    void stop();
    // Publish now: called after a transaction that appended events has committed.
    void wake() noexcept;

    // Rows published since start (for metrics and tests).
    std::uint64_t published() const noexcept { return published_.load(); }
    // Delivery attempts that failed or timed out since start (each row goes again).
    std::uint64_t failed_attempts() const noexcept { return failed_.load(); }
    // Rows the last pass left unpublished (at most one batch): above zero while Kafka is down.
    std::uint64_t pending() const noexcept { return pending_.load(); }

private:
    struct Pass {
        std::size_t claimed = 0;
        std::size_t delivered = 0;
    };
    Pass publish_batch();
    void run();
    void listen(); // LISTEN outbox on a dedicated connection, wake() on each NOTIFY
    // Waits for a wake-up or the timeout; false when stopping.
    bool wait(std::chrono::milliseconds timeout);

    db::Pool& pool_;
    kafka::Producer& producer_;
    RelayOptions options_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> published_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::atomic<std::uint64_t> pending_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false;
    std::jthread worker_;
    std::jthread listener_;
};

} // namespace shop::outbox
