#pragma once
// Every open connection, its phase and its deadline, so that one sweeper can enforce the
// read/idle timeouts and graceful shutdown can tell idle connections from busy ones.
// The request path only stores two atomics per phase change: no timer per request.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_set>

namespace shop::http {

enum class Phase : std::uint8_t { idle, reading, handling, writing };

class Connection {
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
    bool shut_ = false; // guarded by the table's mutex
};

class ConnectionTable {
public:
    void add(Connection& connection);
    // Must run before the socket is closed, so that the fd is never shut after reuse.
    void remove(Connection& connection);

    // Shuts the read side (write side too while writing) of connections past their deadline.
    void sweep();
    // Shuts every idle connection when none is busy; returns true when it did.
    bool close_idle_if_quiet();
    // Shuts every connection, busy or not.
    void close_all();

    std::size_t size() const;
    // Called (outside the lock) whenever the table becomes empty.
    void on_empty(std::function<void()> callback);

private:
    void shut(Connection& connection, int how);

    mutable std::mutex mutex_;
    std::unordered_set<Connection*> connections_;
    std::function<void()> on_empty_;
};

} // namespace shop::http
