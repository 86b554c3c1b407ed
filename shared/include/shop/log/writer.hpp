#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace shop::log {

struct ThreadBuffer; // one per logging thread, defined in writer.cpp

// Writes all of `data` to `fd`, retrying on EINTR, partial writes and EAGAIN; gives up on other
// errors (there is nowhere left to report them).
void write_all(int fd, std::string_view data);

// Collects finished lines in per-thread buffers and writes them to a file descriptor from one
// background thread, so a logging thread never makes a syscall or waits on another logger.
class Writer {
public:
    // Formats the warn line that reports `count` dropped lines (called on the writer thread).
    using DroppedLine = std::function<std::string(std::uint64_t count)>;

    static constexpr std::size_t kMaxPendingPerThread = 8 << 20;

    Writer();
    ~Writer();
    Writer(Writer const&) = delete;
    Writer& operator=(Writer const&) = delete;

    // Not thread-safe against each other: the owner serialises start and stop.
    void start(int fd, DroppedLine dropped_line);
    void stop(); // writes what is queued, joins the thread; idempotent

    // Queues one line (ending in '\n'). Beyond the per-thread cap the line is dropped and counted,
    // unless `keep`. Returns false when not running: the caller must write the line itself.
    bool push(std::string_view line, bool keep);
    void flush();

private:
    ThreadBuffer* this_thread_buffer();
    void wake();
    void run(int fd);
    void drain(int fd);

    std::uint64_t const id_;
    std::atomic<bool> running_{false};
    std::atomic<bool> wake_{false};

    std::mutex mutex_; // guards the fields below and the sleeping side of the wake-up
    std::condition_variable work_;
    std::condition_variable flushed_;
    bool stop_ = false;
    bool thread_alive_ = false;
    std::uint64_t flush_requested_ = 0;
    std::uint64_t flush_done_ = 0;

    std::mutex registry_mutex_;
    std::vector<std::shared_ptr<ThreadBuffer>> buffers_;

    // Only the writer thread touches these.
    std::vector<std::shared_ptr<ThreadBuffer>> snapshot_;
    DroppedLine dropped_line_;

    std::thread thread_;
};

} // namespace shop::log
