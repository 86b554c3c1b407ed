#pragma once
// Which I/O thread a connection runs on. Under light load every connection shares the
// first thread: one thread that wakes less often, finds more to do each time and keeps its
// caches warm spends less CPU per request than two taking turns (the gateway at 7 000 req/s:
// 10.5-12 against 13.3-14.5 us of user CPU per forwarded request). A thread that gets busy
// hands connections to the least loaded one, between their requests; once two threads'
// loads would fit on one, the later one's connections go back to the earlier one.
#include <shop/http/server_options.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace shop::http {

// The decisions alone, from each thread's load.
namespace balance {

// The thread for a new connection: the first one not busy, else the least loaded.
std::size_t place(std::span<double const> loads, BalanceOptions const& options);

struct Handoff {
    std::size_t to = 0;
    std::size_t connections = 0;
};

// What thread `from`, with `connections` open, hands to another thread now, if anything:
// when busy, enough to even out its load with the least loaded thread (a gap under half
// `busy` is left alone); when its load and an earlier thread's add up to less than
// `merge`, all of them.
std::optional<Handoff> plan(std::size_t from, std::span<double const> loads,
                            std::size_t connections, BalanceOptions const& options);

} // namespace balance

// Each thread measures its own load (its CPU time over a window) when one of its
// connections finishes a request; everyone reads the others' loads. One thread per shard.
class ThreadBalancer {
public:
    using Clock = std::chrono::steady_clock;
    // CPU time of the calling thread: what it ran, not what it waited for.
    using CpuClock = std::chrono::nanoseconds (*)();
    static std::chrono::nanoseconds thread_cpu_time();

    ThreadBalancer(std::size_t threads, BalanceOptions options, CpuClock cpu = thread_cpu_time);

    // For a new connection, from any thread; opened() is counted on the thread returned.
    std::size_t place() const;
    void opened(std::size_t thread) noexcept;
    void closed(std::size_t thread) noexcept;

    // On `thread` itself, between two requests of one of its connections: the thread that
    // connection goes on with (mostly `thread`). A connection that moves is counted on the
    // new thread at once.
    std::size_t next(std::size_t thread, Clock::time_point now);

    // What each thread carries now, from any thread (for metrics).
    std::size_t threads() const noexcept { return shards_.size(); }
    std::size_t connections(std::size_t thread) const noexcept;
    double load(std::size_t thread) const; // 0 after two windows without a finished request

private:
    struct alignas(64) Shard {
        std::atomic<double> load{0.0};
        std::atomic<std::int64_t> sampled_ns{0};
        std::atomic<std::size_t> connections{0};
        // The shard's own thread only.
        std::int64_t window_start_ns = 0;
        std::int64_t window_cpu_ns = 0;
        std::size_t handoffs = 0;
        std::size_t to = 0;
    };

    void sample(Shard& shard, std::size_t thread, std::int64_t now_ns);
    double load_at(Shard const& shard, std::int64_t now_ns) const;
    std::vector<double> loads(std::int64_t now_ns) const;

    BalanceOptions options_;
    CpuClock cpu_;
    std::int64_t window_ns_;
    std::vector<Shard> shards_;
};

} // namespace shop::http
