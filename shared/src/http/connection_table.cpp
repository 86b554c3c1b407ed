#include <shop/http/connection_table.hpp>

#include <sys/socket.h>

namespace shop::http {
namespace {

std::int64_t steady_now_ns() noexcept
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

void Connection::enter(Phase phase, std::chrono::milliseconds timeout) noexcept
{
    auto const deadline =
        timeout.count() > 0
            ? steady_now_ns() +
                  std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count()
            : 0;
    deadline_ns_.store(deadline, std::memory_order_relaxed);
    phase_.store(phase, std::memory_order_relaxed);
}

void ConnectionTable::add(Connection& connection)
{
    std::lock_guard lock{mutex_};
    connections_.insert(&connection);
}

void ConnectionTable::remove(Connection& connection)
{
    std::function<void()> callback;
    {
        std::lock_guard lock{mutex_};
        connections_.erase(&connection);
        if (connections_.empty())
            callback = on_empty_;
    }
    if (callback)
        callback();
}

void ConnectionTable::shut(Connection& connection, int how)
{
    // shutdown(2) wakes the connection's pending read or write from any thread; the
    // connection's own coroutine then sees end-of-stream and closes its socket.
    if (connection.shut_ && how != SHUT_RDWR)
        return;
    connection.shut_ = true;
    ::shutdown(connection.fd_, how);
}

void ConnectionTable::sweep()
{
    auto const now = steady_now_ns();
    std::lock_guard lock{mutex_};
    for (auto* connection : connections_) {
        auto const deadline = connection->deadline_ns_.load(std::memory_order_relaxed);
        if (deadline == 0 || deadline > now || connection->shut_)
            continue;
        connection->timed_out_.store(true, std::memory_order_release);
        // A slow reader must lose its write too; a slow sender may still get a 408.
        shut(*connection, connection->phase() == Phase::writing ? SHUT_RDWR : SHUT_RD);
    }
}

bool ConnectionTable::close_idle_if_quiet()
{
    std::lock_guard lock{mutex_};
    for (auto* connection : connections_)
        if (connection->phase() != Phase::idle)
            return false;
    for (auto* connection : connections_)
        shut(*connection, SHUT_RDWR);
    return true;
}

void ConnectionTable::close_all()
{
    std::lock_guard lock{mutex_};
    for (auto* connection : connections_)
        shut(*connection, SHUT_RDWR);
}

std::size_t ConnectionTable::size() const
{
    std::lock_guard lock{mutex_};
    return connections_.size();
}

void ConnectionTable::on_empty(std::function<void()> callback)
{
    bool empty_now = false;
    {
        std::lock_guard lock{mutex_};
        on_empty_ = callback;
        empty_now = connections_.empty();
    }
    if (empty_now && callback)
        callback();
}

} // namespace shop::http
