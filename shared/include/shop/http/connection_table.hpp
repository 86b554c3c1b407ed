#pragma once
// Every open connection, its phase and its deadline, so that one sweeper can enforce the
// read/idle/write timeouts and graceful shutdown can tell idle connections from busy ones.
// The request path only stores two atomics per phase change: no timer per request.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>

namespace shop::http {

// closing: the response is out and unread input is being discarded before the close.
enum class Phase : std::uint8_t { idle, reading, handling, writing, closing };

// A cache line each: connections of different I/O threads never share one, so one thread's
// phase changes do not evict another's.
class alignas(64) Connection {
public:
    explicit Connection(int fd) : fd_{fd} {}

    // Enters a phase that must end before `timeout` elapses (zero: no deadline).
    void enter(Phase phase, std::chrono::milliseconds timeout) noexcept;
    Phase phase() const noexcept { return phase_.load(std::memory_order_relaxed); }
    // True once the sweeper shut the socket because a deadline passed.
    bool timed_out() const noexcept { return timed_out_.load(std::memory_order_acquire); }

private:
    friend class ConnectionTable;
    int const fd_;
    std::atomic<Phase> phase_{Phase::idle};
    std::atomic<std::int64_t> deadline_ns_{0}; // steady clock; 0: none
    std::atomic<bool> timed_out_{false};
    int shut_ = 0; // directions already shut (kRead | kWrite), guarded by the table's mutex
};

class ConnectionTable {
public:
    // A connection in the table for as long as this handle lives. Leaving the table must
    // happen before the socket closes, so that the fd is never shut after its reuse. The
    // entry shares ownership of the table: a coroutine frame destroyed with its io_context
    // may outlive the server that made it.
    class Entry {
    public:
        Entry(std::shared_ptr<ConnectionTable> table, int fd);
        ~Entry();
        Entry(Entry&& other) noexcept;
        Entry(Entry const&) = delete;
        Entry& operator=(Entry const&) = delete;
        Entry& operator=(Entry&&) = delete;

        Connection& connection() noexcept { return *connection_; }
        Connection const& connection() const noexcept { return *connection_; }
        void leave(); // idempotent

    private:
        std::shared_ptr<ConnectionTable> table_;
        std::unique_ptr<Connection> connection_;
    };

    // Shuts the read side of connections past their deadline (the write side too while
    // writing), so their coroutine wakes up and ends.
    void sweep();
    // Once no connection is busy, shuts the read side of idle and closing ones; a request
    // that raced in is still read and answered with "Connection: close".
    void close_idle_if_quiet();
    // Shuts every connection, busy or not.
    void close_all();

    std::size_t size() const;
    // Called once (outside the lock) when the table is or becomes empty.
    void on_empty(std::function<void()> callback);

private:
    void add(Connection& connection);
    void remove(Connection& connection);
    void shut(Connection& connection, int how);

    mutable std::mutex mutex_;
    std::unordered_set<Connection*> connections_;
    std::function<void()> on_empty_;
};

} // namespace shop::http
