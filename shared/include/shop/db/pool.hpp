#pragma once
// A bounded pool of libpqxx connections. Connections open on first need and are replaced
// after they break, so the pool recovers by itself when the database comes back. libpqxx
// blocks: run() does the work on the app's BlockingPool, never on an I/O thread.
#include <shop/app/blocking_pool.hpp>
#include <shop/db/config.hpp>
#include <shop/health/health.hpp>
#include <shop/net/asio.hpp>

#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace shop::db {

namespace detail {
class Connection; // a libpqxx connection whose server notices go to the log
} // namespace detail

// A snapshot for gauges.
struct PoolStats {
    std::size_t size = 0;    // the most connections the pool opens
    std::size_t open = 0;    // connections open now (idle or in use)
    std::size_t in_use = 0;  // checked out now
    std::size_t waiting = 0; // callers waiting for a free connection
};

class Pool {
public:
    // Runs on every new connection before its first use, e.g. to prepare statements.
    using ConnectHook = std::function<void(pqxx::connection&)>;

    template <class F>
    using Result = std::invoke_result_t<F&, pqxx::work&>;
    template <class F>
    using ReadResult = std::invoke_result_t<F&, pqxx::nontransaction&>;

    // Opens nothing yet. `blocking` must outlive the pool, and work the pool runs must have
    // ended before it is destroyed (stop the BlockingPool first).
    Pool(Config config, BlockingPool& blocking, ConnectHook on_connect = {});
    ~Pool();
    Pool(Pool const&) = delete;
    Pool& operator=(Pool const&) = delete;

    // Runs f(tx) in a transaction on the blocking pool and resumes the caller with its result
    // or exception. f commits itself; whatever it leaves uncommitted rolls back. Throws
    // PoolExhausted when no connection comes free in time, pqxx::broken_connection when the
    // database cannot be reached.
    template <class F>
    awaitable<Result<F>> run(F f)
    {
        return blocking_.run([this, f = std::move(f)]() mutable { return run_sync(std::move(f)); });
    }

    // As run(), on the calling thread: for code already off the I/O threads (consumers).
    template <class F>
    Result<F> run_sync(F f)
    {
        return returning<Result<F>, pqxx::work>(f, [this](auto const& body) { transact(body); });
    }

    // Runs f(tx), which only reads, on the blocking pool with no BEGIN and no COMMIT: each
    // statement is a transaction of its own, two round trips fewer than run(). A statement
    // sees one consistent state; reads that must agree with each other belong in run(). A
    // pooled connection found dead is replaced and f run once more: reading twice is harmless.
    template <class F>
    awaitable<ReadResult<F>> read(F f)
    {
        return blocking_.run([this, f = std::move(f)]() mutable {
            return returning<ReadResult<F>, pqxx::nontransaction>(
                f, [this](auto const& body) { autocommit(body); });
        });
    }

    // For Health::add("database", ...): a round trip through a pooled connection.
    awaitable<CheckResult> ping();

    PoolStats stats() const;
    Config const& config() const noexcept;

private:
    using Connection = detail::Connection;
    class Lease;
    friend class Lease;

    using Body = std::function<void(pqxx::work&)>;
    using ReadBody = std::function<void(pqxx::nontransaction&)>;

    // Calls execute(body), with body passing its transaction on to f, and returns f's result.
    template <class R, class Tx, class F, class Execute>
    static R returning(F& f, Execute execute)
    {
        static_assert(!std::is_reference_v<R>, "return a value, not a reference");
        if constexpr (std::is_void_v<R>) {
            execute(std::function<void(Tx&)>{[&f](Tx& tx) { f(tx); }});
        } else {
            std::optional<R> result;
            execute(std::function<void(Tx&)>{[&f, &result](Tx& tx) { result.emplace(f(tx)); }});
            return std::move(*result);
        }
    }

    // Checks out a connection, opens it when needed, runs body in a transaction on it.
    void transact(Body const& body);
    // The same without a transaction, as read() describes.
    void autocommit(ReadBody const& body);
    // Waits for a free slot; returns its idle connection, or null when one must be opened.
    std::unique_ptr<Connection> acquire();
    // Gives a slot back with its connection (null when it broke or was never opened).
    void release(std::unique_ptr<Connection> connection) noexcept;
    std::unique_ptr<Connection> open();
    void close(std::unique_ptr<Connection> connection) noexcept;
    void note_reachable(bool reachable, std::string_view why) noexcept;

    Config config_;
    std::string connection_string_;
    BlockingPool& blocking_;
    ConnectHook on_connect_;

    mutable std::mutex mutex_;
    std::condition_variable released_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_ = 0;
    std::size_t in_use_ = 0;
    std::size_t waiting_ = 0;
    std::atomic<bool> reachable_{true}; // to log only the changes, not every failed attempt
};

} // namespace shop::db
