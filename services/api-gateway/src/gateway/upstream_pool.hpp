#pragma once
// Keep-alive connections to one upstream: at most `max_connections` open or in use, at
// most `max_waiters` callers queued for one (each until its deadline), idle connections
// reused newest first and dropped after `idle_timeout`. Everything is bounded, so a dead
// or hanging upstream costs a fixed amount of memory.
#include "gateway/clock.hpp"
#include "gateway/config.hpp"

#include <shop/http/connection_table.hpp>
#include <shop/net/asio.hpp>

#include <boost/beast/core/flat_buffer.hpp>

#include <memory>
#include <optional>
#include <stdexcept>

namespace shop::gateway {

// One keep-alive connection, used by one exchange at a time from that exchange's own
// coroutine. Its deadline is kept in the pool's connection table, whose sweeper shuts the
// socket of an exchange that overruns it: no timer and no strand per request.
struct UpstreamConnection {
    UpstreamConnection(tcp::socket connected, std::shared_ptr<http::ConnectionTable> table);

    tcp::socket socket;
    http::ConnectionTable::Entry entry; // declared after the socket: leaves before it closes
    boost::beast::flat_buffer buffer;
    bool reused = false; // it has carried an exchange before this one
    Clock::time_point idle_since{};

    // Enters a phase of the exchange that must end by `deadline`; idle ends the deadline.
    void enter(http::Phase phase, Clock::time_point deadline);
    // True once the sweeper shut the socket because the deadline passed.
    bool timed_out() const noexcept { return entry.connection().timed_out(); }
};

// Why no connection could be had.
class PoolError : public std::runtime_error {
public:
    enum class Kind { busy, timeout, connect_failed };
    PoolError(Kind kind, std::string const& what) : std::runtime_error{what}, kind_{kind} {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

class UpstreamPool {
    struct State;

public:
    UpstreamPool(std::string host, std::string port, PoolOptions options);
    ~UpstreamPool();
    UpstreamPool(UpstreamPool const&) = delete;
    UpstreamPool& operator=(UpstreamPool const&) = delete;

    // A connection for one exchange. It goes back to the pool only when keep() was
    // called (a complete exchange on a connection both sides keep alive); otherwise it
    // is closed. Either way its slot is freed when the lease goes.
    class Lease {
    public:
        Lease(std::shared_ptr<State> state, std::unique_ptr<UpstreamConnection> connection);
        ~Lease();
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        Lease(Lease const&) = delete;

        UpstreamConnection& connection() { return *connection_; }
        void keep() noexcept { keep_ = true; }

    private:
        friend class UpstreamPool;
        std::shared_ptr<State> state_;
        std::unique_ptr<UpstreamConnection> connection_;
        bool keep_ = false;
    };

    // Whether an idle connection is checked (one non-blocking peek) before it is handed out.
    // A request that may be retried skips the system call: on a connection the upstream
    // closed meanwhile it fails as stale, and its retry goes out on a checked one.
    enum class Check { alive, none };

    // An idle connection at once, for a caller on `executor`, when a slot is free and a
    // connection idle (the common case under load); otherwise none, and acquire() it is.
    std::optional<Lease> try_idle(net::any_io_executor const& executor, Check check = Check::alive);

    // An idle connection or a new one. Throws PoolError: busy when the queue is full,
    // timeout when the deadline passes first, connect_failed when connecting fails.
    awaitable<Lease> acquire(Clock::time_point deadline);

    // Closes the idle connections (before the io_context they belong to goes away).
    void close_idle();

    struct Stats {
        std::size_t open = 0; // in use or connecting
        std::size_t idle = 0;
        std::size_t waiting = 0;
    };
    Stats stats() const;

private:
    std::shared_ptr<State> state_;
};

} // namespace shop::gateway
