#pragma once
// A consumer-group member that stores an offset only after its handler's effect is
// committed (enable.auto.offset.store=false; stored offsets are committed in the
// background, on rebalance and at close). Handlers run one message at a time on the
// consumer's own thread, in partition order.
//
// What a handler's outcome means:
//   - returns normally: done, the offset moves on;
//   - throws events::InvalidEvent: poison, the message goes to <topic>.dlq at once;
//   - throws TransientError: retried with backoff for as long as it takes (the database
//     is down), never skipped;
//   - throws anything else: retried with backoff, dead-lettered after max_attempts
//     (unless set_transient() calls it transient).
// A dead letter carries the error, the attempts and the original topic/partition/offset
// in headers, and is delivered before the original's offset is stored.
#include <shop/kafka/config.hpp>
#include <shop/kafka/handle.hpp>
#include <shop/kafka/producer.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace shop::kafka {

// An error that will go away by itself (a dependency is down): retry, never dead-letter.
class TransientError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Header names on a dead letter.
namespace dlq_header {
inline constexpr std::string_view kError = "dlq-error";
inline constexpr std::string_view kAttempts = "dlq-attempts";
inline constexpr std::string_view kTopic = "dlq-original-topic";
inline constexpr std::string_view kPartition = "dlq-original-partition";
inline constexpr std::string_view kOffset = "dlq-original-offset";
} // namespace dlq_header

struct Record {
    std::string topic;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    std::string key;
    std::string value;
    Headers headers;

    // The first header with this name, if any.
    std::optional<std::string_view> header(std::string_view name) const;
};

// What a consumer has done and where it stands, for metrics.
struct ConsumerStats {
    std::uint64_t consumed = 0;      // messages done with (handled or dead-lettered)
    std::uint64_t dead_lettered = 0; // of which sent to a dead-letter topic
    std::size_t assigned_partitions = 0;
    std::int64_t lag = 0; // messages in the assigned partitions not yet handed to a handler
};

class Consumer {
public:
    using Handler = std::function<void(Record const&)>;

    // `dead_letters` publishes poison messages; it must outlive the consumer.
    Consumer(Config const& config, Producer& dead_letters);
    ~Consumer(); // stop()
    Consumer(Consumer const&) = delete;
    Consumer& operator=(Consumer const&) = delete;

    // Registers the handler of a topic; before start().
    void on(std::string topic, Handler handler);
    // Subscribes and starts the consuming thread.
    void start();
    // Lets the message in hand finish, commits stored offsets, leaves the group. Idempotent.
    void stop();

    // Backoff between attempts: doubles from `first` up to `max`.
    void set_backoff(std::chrono::milliseconds first, std::chrono::milliseconds max);
    // Which other exceptions are transient (e.g. db::is_retryable): retried, never skipped.
    void set_transient(std::function<bool(std::exception const&)> is_transient);

    // Thread-safe; the lag comes from the last fetch's high watermarks, without a request.
    ConsumerStats stats() const;

private:
    void run();
    // False when stopped before the message was done with.
    bool handle(Record const& record);
    bool dead_letter(Record const& record, std::string_view error, int attempts);
    // Sleeps unless stopping; false when stopping.
    bool pause(std::chrono::milliseconds duration);

    Config config_;
    Producer& dead_letters_;
    HandlePtr handle_;
    std::map<std::string, Handler, std::less<>> handlers_;
    std::function<bool(std::exception const&)> is_transient_;
    std::chrono::milliseconds backoff_first_{100};
    std::chrono::milliseconds backoff_max_{5'000};
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> consumed_{0};
    std::atomic<std::uint64_t> dead_lettered_{0};
    std::mutex pause_mutex_;
    std::condition_variable pause_wake_;
    std::jthread worker_;
};

} // namespace shop::kafka
