#include "gateway/upstream_pool.hpp"

#include <shop/net/move_socket.hpp>

#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <algorithm>
#include <charconv>
#include <deque>
#include <mutex>
#include <sys/socket.h>
#include <vector>

namespace shop::gateway {
namespace {

// A caller queued for a slot. The channel is thread-safe: a releaser on another thread
// hands the slot over with try_send, the caller's own timer sends the timeout.
struct Waiter {
    explicit Waiter(net::any_io_executor const& executor) : channel{executor, 2} {}
    net::experimental::concurrent_channel<void(boost::system::error_code)> channel;
    bool granted = false; // guarded by the pool's mutex
};

// An idle keep-alive connection the upstream has closed (or written to unasked) is of
// no use: peek without blocking, EAGAIN is the only healthy answer.
bool looks_alive(UpstreamConnection& connection)
{
    auto& socket = connection.socket;
    if (!socket.is_open())
        return false;
    char byte = 0;
    auto const n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// Runs on the stream's strand.
awaitable<boost::system::error_code> connect(boost::beast::tcp_stream& stream,
                                             std::string const& host, std::string const& port,
                                             Clock::time_point deadline)
{
    auto const executor = co_await net::this_coro::executor;
    stream.expires_at(deadline);
    boost::system::error_code ec;
    auto const address = net::ip::make_address(host, ec);
    if (!ec) {
        std::uint16_t number = 0;
        std::from_chars(port.data(), port.data() + port.size(), number);
        std::tie(ec) = co_await stream.async_connect(tcp::endpoint{address, number}, as_result);
        co_return ec;
    }
    // Name resolution has no timeout of its own: the deadline cancels it.
    auto const resolver = std::make_shared<tcp::resolver>(executor);
    net::steady_timer bound{executor, deadline};
    bound.async_wait([resolver](boost::system::error_code timer_ec) {
        if (!timer_ec)
            resolver->cancel();
    });
    auto [resolve_ec, endpoints] = co_await resolver->async_resolve(host, port, as_result);
    bound.cancel();
    if (resolve_ec)
        co_return resolve_ec;
    std::tie(ec, std::ignore) = co_await stream.async_connect(endpoints, as_result);
    co_return ec;
}

// How often the pool's sweeper looks for exchanges past their deadline: a deadline is
// enforced at most this much late.
constexpr std::chrono::milliseconds kSweepInterval{100};

// Until the pool is gone; the table's weak reference lets the frame outlive it.
awaitable<void> sweep_loop(std::weak_ptr<http::ConnectionTable> table)
{
    net::steady_timer timer{co_await net::this_coro::executor};
    for (;;) {
        timer.expires_after(kSweepInterval);
        auto const [ec] = co_await timer.async_wait(as_result);
        auto const alive = table.lock();
        if (ec || !alive)
            co_return;
        alive->sweep();
    }
}

net::execution_context* context_of(net::any_io_executor const& executor)
{
    return &net::query(executor, net::execution::context);
}

} // namespace

UpstreamConnection::UpstreamConnection(tcp::socket connected,
                                       std::shared_ptr<http::ConnectionTable> table)
    : socket{std::move(connected)}, entry{std::move(table), socket.native_handle()}
{}

void UpstreamConnection::enter(http::Phase phase, Clock::time_point deadline)
{
    using std::chrono::milliseconds;
    if (phase == http::Phase::idle) {
        entry.connection().enter(phase, milliseconds{0});
        return;
    }
    auto const left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    entry.connection().enter(phase, std::max(left, milliseconds{1}));
}

struct UpstreamPool::State {
    State(std::string h, std::string p, PoolOptions o)
        : host{std::move(h)}, port{std::move(p)}, options{o}
    {}

    std::string const host;
    std::string const port;
    PoolOptions const options;

    // Connections in use, with their deadlines; swept by one loop started on first use.
    std::shared_ptr<http::ConnectionTable> const table = std::make_shared<http::ConnectionTable>();
    std::once_flag sweeping;

    mutable std::mutex mutex;
    std::size_t taken = 0; // slots of connections in use or being made
    std::vector<std::unique_ptr<UpstreamConnection>> idle;
    std::deque<std::shared_ptr<Waiter>> waiters;

    // Under the lock: the newest idle connection, one of the caller's own I/O thread if
    // there is one, or none. No system call here: the lock is held for an instant.
    std::unique_ptr<UpstreamConnection> pop_idle_locked(net::execution_context* caller)
    {
        if (idle.empty())
            return nullptr;
        auto const own = std::ranges::find_if(idle.rbegin(), idle.rend(), [caller](auto const& c) {
            return context_of(c->socket.get_executor()) == caller;
        });
        auto const it = own == idle.rend() ? std::prev(idle.end()) : std::next(own).base();
        auto connection = std::move(*it);
        idle.erase(it);
        return connection;
    }

    // The newest idle connection still worth using, starting from `first` (already popped,
    // or none); stale ones are closed on the way, outside the lock.
    std::unique_ptr<UpstreamConnection> take_idle(net::execution_context* caller,
                                                  std::unique_ptr<UpstreamConnection> first,
                                                  Check check)
    {
        auto const now = Clock::now();
        for (auto connection = std::move(first); connection; connection = pop_idle(caller))
            if (now - connection->idle_since < options.idle_timeout &&
                (check == Check::none || looks_alive(*connection)))
                return connection;
        return nullptr;
    }

    std::unique_ptr<UpstreamConnection> pop_idle(net::execution_context* caller)
    {
        std::lock_guard const lock{mutex};
        return pop_idle_locked(caller);
    }

    // An idle connection for the caller on `executor`, starting from `first` as take_idle();
    // one made on another I/O thread moves to the caller's, where its exchanges run from now
    // on.
    std::unique_ptr<UpstreamConnection> idle_for(net::any_io_executor const& executor,
                                                 std::unique_ptr<UpstreamConnection> first,
                                                 Check check = Check::alive)
    {
        auto connection = take_idle(context_of(executor), std::move(first), check);
        if (connection && context_of(connection->socket.get_executor()) != context_of(executor)) {
            boost::system::error_code ec;
            connection->socket = move_socket(std::move(connection->socket), executor, ec);
            if (ec)
                connection.reset();
        }
        return connection;
    }

    void release(std::unique_ptr<UpstreamConnection> connection, bool keep)
    {
        std::lock_guard const lock{mutex};
        if (connection && keep) {
            connection->reused = true;
            connection->idle_since = Clock::now();
            idle.push_back(std::move(connection));
        }
        if (waiters.empty()) {
            --taken;
        } else { // the slot passes to the longest waiting caller
            auto const waiter = std::move(waiters.front());
            waiters.pop_front();
            waiter->granted = true;
            waiter->channel.try_send(boost::system::error_code{});
        }
        // A connection not kept closes here, as `connection` goes.
    }
};

UpstreamPool::Lease::Lease(std::shared_ptr<State> state,
                           std::unique_ptr<UpstreamConnection> connection)
    : state_{std::move(state)}, connection_{std::move(connection)}
{}

UpstreamPool::Lease::~Lease()
{
    if (state_)
        state_->release(std::move(connection_), keep_);
}

UpstreamPool::UpstreamPool(std::string host, std::string port, PoolOptions options)
    : state_{std::make_shared<State>(std::move(host), std::move(port), options)}
{}

UpstreamPool::~UpstreamPool()
{
    close_idle();
}

void UpstreamPool::close_idle()
{
    std::vector<std::unique_ptr<UpstreamConnection>> idle;
    {
        std::lock_guard const lock{state_->mutex};
        idle.swap(state_->idle);
    }
}

UpstreamPool::Stats UpstreamPool::stats() const
{
    std::lock_guard const lock{state_->mutex};
    return {state_->taken, state_->idle.size(), state_->waiters.size()};
}

std::optional<UpstreamPool::Lease> UpstreamPool::try_idle(net::any_io_executor const& executor,
                                                          Check check)
{
    auto& s = *state_;
    std::unique_ptr<UpstreamConnection> first;
    {
        std::lock_guard const lock{s.mutex};
        if (s.taken >= s.options.max_connections || s.idle.empty())
            return std::nullopt;
        ++s.taken;
        first = s.pop_idle_locked(context_of(executor));
    }
    Lease lease{state_, s.idle_for(executor, std::move(first), check)};
    if (!lease.connection_)
        return std::nullopt; // the slot goes back with the lease
    return lease;
}

awaitable<UpstreamPool::Lease> UpstreamPool::acquire(Clock::time_point deadline)
{
    auto const executor = co_await net::this_coro::executor;
    auto& s = *state_;
    std::shared_ptr<Waiter> waiter;
    {
        std::lock_guard const lock{s.mutex};
        if (s.taken < s.options.max_connections) {
            ++s.taken;
        } else if (s.waiters.size() >= s.options.max_waiters) {
            throw PoolError{PoolError::Kind::busy, "connection pool and its queue are full"};
        } else {
            waiter = std::make_shared<Waiter>(executor);
            s.waiters.push_back(waiter);
        }
    }
    if (waiter) {
        net::steady_timer timer{executor, deadline};
        timer.async_wait([waiter](boost::system::error_code ec) {
            if (!ec)
                waiter->channel.try_send(net::error::timed_out);
        });
        co_await waiter->channel.async_receive(as_result);
        timer.cancel();
        std::lock_guard const lock{s.mutex};
        if (!waiter->granted) {
            std::erase(s.waiters, waiter);
            throw PoolError{PoolError::Kind::timeout, "no connection free before the deadline"};
        }
    }
    // From here the lease owns the slot: any exit gives it back.
    Lease lease{state_, s.idle_for(executor, s.pop_idle(context_of(executor)))};
    if (lease.connection_)
        co_return lease;

    std::call_once(s.sweeping,
                   [&] { net::co_spawn(executor, sweep_loop(s.table), net::detached); });
    boost::beast::tcp_stream stream{net::make_strand(executor)};
    auto const connect_deadline = std::min(deadline, Clock::now() + s.options.connect_timeout);
    auto ec = co_await net::co_spawn(
        stream.get_executor(), connect(stream, s.host, s.port, connect_deadline), use_awaitable);
    if (ec) {
        if (Clock::now() >= deadline)
            throw PoolError{PoolError::Kind::timeout, "connect: " + ec.message()};
        throw PoolError{PoolError::Kind::connect_failed, "connect: " + ec.message()};
    }
    stream.socket().set_option(tcp::no_delay(true), ec);
    // The strand was for connecting (Beast's timeouts) only: exchanges run on their caller's
    // coroutine.
    auto socket = move_socket(stream.release_socket(), executor, ec);
    if (ec)
        throw PoolError{PoolError::Kind::connect_failed, "connect: " + ec.message()};
    lease.connection_ = std::make_unique<UpstreamConnection>(std::move(socket), s.table);
    co_return lease;
}

} // namespace shop::gateway
