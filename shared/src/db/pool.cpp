#include "connection.hpp"

#include <shop/db/errors.hpp>
#include <shop/db/pool.hpp>
#include <shop/http/error.hpp>
#include <shop/log/log.hpp>

#include <fmt/format.h>
#include <pqxx/except>

namespace shop::db {

// A checked-out slot. On scope exit its connection goes back to the pool, or is closed when
// it broke, so every exit path (return, exception) frees the slot.
class Pool::Lease {
public:
    explicit Lease(Pool& pool) : pool_{pool}, connection_{pool.acquire()}
    {
        if (connection_ && !connection_->idle_and_healthy()) {
            pool_.close(std::move(connection_)); // died while idle: a new one opens below
        }
        fresh_ = !connection_;
    }
    ~Lease()
    {
        if (broken_) {
            pool_.close(std::move(connection_));
        }
        pool_.release(std::move(connection_));
    }
    Lease(Lease const&) = delete;
    Lease& operator=(Lease const&) = delete;

    // Opens the connection on first need.
    pqxx::connection& connection()
    {
        if (!connection_) {
            connection_ = pool_.open();
        }
        return connection_->get();
    }
    // Whether the connection is (or will be) opened for this lease, so cannot have gone stale:
    // a failure to open or to use it is no reason to try again.
    bool fresh() const noexcept { return fresh_; }
    // Closes a stale connection; the next connection() opens a new one.
    void replace() noexcept
    {
        pool_.close(std::move(connection_));
        fresh_ = true;
    }
    void mark_broken() noexcept { broken_ = true; }

private:
    Pool& pool_;
    std::unique_ptr<Connection> connection_;
    bool fresh_ = false;
    bool broken_ = false;
};

namespace {

// libpq's messages end in newlines and span lines; one line reads better in a log.
std::string one_line(std::string_view text)
{
    std::string out;
    for (auto const c : text) {
        if (c == '\n' || c == '\t') {
            if (!out.empty() && out.back() != ' ') {
                out += ' ';
            }
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

// BEGIN on the leased connection. Should a pooled connection have died unseen while idle
// (the server ended it just now, a silent network drop), one more try on a new connection:
// no work has run yet.
void begin(std::optional<pqxx::work>& tx, auto& lease)
{
    try {
        tx.emplace(lease.connection());
    } catch (pqxx::broken_connection const&) {
        if (lease.fresh()) {
            throw;
        }
        lease.replace();
        tx.emplace(lease.connection());
    }
}

} // namespace

Pool::Pool(Config config, BlockingPool& blocking, ConnectHook on_connect)
    : config_{std::move(config)}, connection_string_{config_.connection_string()},
      blocking_{blocking}, on_connect_{std::move(on_connect)}
{
    // A service with a database answers its errors by SQLSTATE (duplicate → 409, ...).
    http::add_error_mapper(&http_error_for);
}

Pool::~Pool() = default;

Config const& Pool::config() const noexcept
{
    return config_;
}

void Pool::transact(Body const& body)
{
    Lease lease{*this};
    std::optional<pqxx::work> tx; // ends before the lease: rolls back unless committed
    begin(tx, lease);
    try {
        body(*tx);
    } catch (pqxx::broken_connection const&) {
        lease.mark_broken();
        throw;
    } catch (pqxx::in_doubt_error const&) {
        lease.mark_broken();
        throw;
    }
}

void Pool::autocommit(ReadBody const& body)
{
    Lease lease{*this};
    auto const attempt = [&] {
        pqxx::nontransaction tx{lease.connection()};
        body(tx);
    };
    try {
        attempt();
        return;
    } catch (pqxx::broken_connection const&) {
        if (lease.fresh()) {
            lease.mark_broken();
            throw;
        }
    }
    lease.replace(); // it died unseen while idle: once more, on a new connection
    try {
        attempt();
    } catch (pqxx::broken_connection const&) {
        lease.mark_broken();
        throw;
    }
}

std::unique_ptr<Pool::Connection> Pool::acquire()
{
    std::unique_lock lock{mutex_};
    auto const has_slot = [this] { return in_use_ < config_.pool_size; };
    if (!has_slot()) {
        ++waiting_;
        auto const got = released_.wait_for(lock, config_.acquire_timeout, has_slot);
        --waiting_;
        if (!got) {
            throw PoolExhausted{
                fmt::format("no free database connection within {} ms (all {} in use)",
                            config_.acquire_timeout.count(), config_.pool_size)};
        }
    }
    ++in_use_;
    if (idle_.empty()) {
        return nullptr;
    }
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
}

void Pool::release(std::unique_ptr<Connection> connection) noexcept
{
    if (connection && !connection->is_open()) {
        close(std::move(connection));
    }
    {
        std::lock_guard lock{mutex_};
        if (connection) {
            idle_.push_back(std::move(connection));
        }
        --in_use_;
    }
    released_.notify_one();
}

std::unique_ptr<Pool::Connection> Pool::open()
{
    std::unique_ptr<Connection> connection;
    try {
        connection = std::make_unique<Connection>(connection_string_);
    } catch (pqxx::broken_connection const& e) {
        note_reachable(false, e.what());
        throw;
    }
    {
        std::lock_guard lock{mutex_};
        ++open_;
    }
    note_reachable(true, {});
    if (on_connect_) {
        try {
            on_connect_(connection->get());
        } catch (...) {
            close(std::move(connection));
            throw;
        }
    }
    return connection;
}

void Pool::close(std::unique_ptr<Connection> connection) noexcept
{
    if (!connection) {
        return;
    }
    connection.reset(); // outside the lock: closing talks to the server
    std::lock_guard lock{mutex_};
    --open_;
}

void Pool::note_reachable(bool reachable, std::string_view why) noexcept
{
    if (reachable_.exchange(reachable) == reachable) {
        return;
    }
    try {
        if (reachable) {
            log::info("database {} reachable again", config_.describe());
        } else {
            log::warn("database {} unreachable: {}", config_.describe(), one_line(why));
        }
    } catch (...) { // logging never turns a database failure into a different one
    }
}

awaitable<CheckResult> Pool::ping()
{
    try {
        co_await read([](pqxx::nontransaction& tx) { tx.exec("SELECT 1"); });
        co_return CheckResult{};
    } catch (PoolExhausted const&) {
        co_return CheckResult{false, "no free connection"};
    } catch (pqxx::broken_connection const&) {
        co_return CheckResult{false, "unreachable"};
    } catch (std::exception const&) {
        co_return CheckResult{false, "query failed"};
    }
}

PoolStats Pool::stats() const
{
    std::lock_guard lock{mutex_};
    return {config_.pool_size, open_, in_use_, waiting_};
}

} // namespace shop::db
