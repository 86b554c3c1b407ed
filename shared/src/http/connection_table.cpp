#include <shop/http/connection_table.hpp>

#include <sys/socket.h>
#include <utility>

namespace shop::http {
namespace {

constexpr int kRead = 1;
constexpr int kWrite = 2;

std::int64_t steady_now_ns() noexcept
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool is_quiet(Phase phase)
{
    return phase == Phase::idle || phase == Phase::closing;
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

ConnectionTable::Entry::Entry(std::shared_ptr<ConnectionTable> table, int fd)
    : table_{std::move(table)}, connection_{std::make_unique<Connection>(fd)}
{
    table_->add(*connection_);
}

ConnectionTable::Entry::Entry(Entry&& other) noexcept
    : table_{std::move(other.table_)}, connection_{std::move(other.connection_)}
{}

ConnectionTable::Entry::~Entry()
{
    leave();
}

void ConnectionTable::Entry::leave()
{
    if (auto const table = std::move(table_))
        table->remove(*connection_);
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
            callback = std::exchange(on_empty_, nullptr);
    }
    if (callback)
        callback();
}

void ConnectionTable::shut(Connection& connection, int how)
{
    // shutdown(2) wakes the connection's pending read or write from any thread; the
    // connection's own coroutine then sees end-of-stream and closes its socket.
    if ((connection.shut_ | how) == connection.shut_)
        return;
    connection.shut_ |= how;
    ::shutdown(connection.fd_, how == (kRead | kWrite) ? SHUT_RDWR
                               : how == kRead          ? SHUT_RD
                                                       : SHUT_WR);
}

void ConnectionTable::sweep()
{
    auto const now = steady_now_ns();
    std::lock_guard lock{mutex_};
    for (auto* connection : connections_) {
        auto const deadline = connection->deadline_ns_.load(std::memory_order_relaxed);
        if (deadline == 0 || deadline > now)
            continue;
        connection->timed_out_.store(true, std::memory_order_release);
        // A slow reader loses its write too; a slow sender may still get a 408.
        shut(*connection, connection->phase() == Phase::writing ? kRead | kWrite : kRead);
    }
}

void ConnectionTable::close_idle_if_quiet()
{
    std::lock_guard lock{mutex_};
    for (auto* connection : connections_)
        if (!is_quiet(connection->phase()))
            return;
    for (auto* connection : connections_)
        shut(*connection, kRead);
}

void ConnectionTable::close_all()
{
    std::lock_guard lock{mutex_};
    for (auto* connection : connections_)
        shut(*connection, kRead | kWrite);
}

std::size_t ConnectionTable::size() const
{
    std::lock_guard lock{mutex_};
    return connections_.size();
}

void ConnectionTable::on_empty(std::function<void()> callback)
{
    {
        std::lock_guard lock{mutex_};
        if (!connections_.empty()) {
            on_empty_ = std::move(callback);
            return;
        }
    }
    if (callback)
        callback();
}

} // namespace shop::http
