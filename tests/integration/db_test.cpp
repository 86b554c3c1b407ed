// The shared library's database side against a real PostgreSQL: one private server for the
// whole binary (initdb is the slow part), a fresh database per test case.
#include "postgres.hpp"
#include "temp_dir.hpp"

#include <shop/db/errors.hpp>
#include <shop/db/migrate.hpp>
#include <shop/db/pool.hpp>

#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <pqxx/nontransaction>

#include <barrier>
#include <cstdlib>
#include <fstream>
#include <future>
#include <latch>
#include <set>
#include <thread>
#include <tuple>

// libpqxx 6.4 leaks libpq's result of a statement that meets a closed connection (it asks the
// dead connection for its encoding before it owns the result): about 2 KB each time. The tests
// that break a connection mid-statement meet it; LeakSanitizer passes over that one leak.
extern "C" char const* __lsan_default_suppressions()
{
    return "leak:PQmakeEmptyPGresult\n";
}

using namespace std::chrono_literals;
using shop::awaitable;
using shop::BlockingPool;
using shop::test::TempPostgres;
namespace db = shop::db;
namespace fs = std::filesystem;
namespace net = shop::net;

namespace {

TempPostgres& server()
{
    static TempPostgres instance;
    return instance;
}

// A fresh database named for the test case, and the pool settings the tests start from.
db::Config fresh_database(std::string const& name, std::size_t pool_size = 4)
{
    db::Config config;
    config.url = server().create_database(name);
    config.pool_size = pool_size;
    config.connect_timeout = 2s;
    config.acquire_timeout = 2s;
    return config;
}

// Drives one coroutine to completion on this thread, as an I/O thread would.
template <class T>
T await(awaitable<T> work)
{
    net::io_context io;
    auto result = net::co_spawn(io, std::move(work), net::use_future);
    io.run();
    return result.get();
}

// A directory of migration files, removed afterwards.
class MigrationDir {
public:
    explicit MigrationDir(std::vector<std::pair<std::string, std::string>> const& files)
    {
        for (auto const& [name, sql] : files)
            std::ofstream{path() / name} << sql;
    }
    fs::path const& path() const { return dir_.path(); }

private:
    shop::test::TempDir dir_{"shop-migrations"};
};

// Starts the server again when a test that stopped it ends, also when it fails.
struct RestartOnExit {
    ~RestartOnExit() { server().start(); }
};

// The one number a query returns.
std::int64_t scalar(db::Pool& pool, std::string const& sql)
{
    return pool.run_sync(
        [&](pqxx::work& tx) { return tx.exec_params1(sql)[0].as<std::int64_t>(); });
}

std::vector<std::string> versions(db::Pool& pool)
{
    return pool.run_sync([](pqxx::work& tx) {
        std::vector<std::string> out;
        for (auto const& row : tx.exec_params("SELECT version FROM schema_migrations ORDER BY 1")) {
            out.push_back(row[0].as<std::string>());
        }
        return out;
    });
}

template <class F>
std::optional<shop::http::Error> http_error_of(F&& f)
{
    try {
        f();
    } catch (std::exception const& e) {
        return db::http_error_for(e);
    }
    FAIL("no exception");
    return std::nullopt;
}

} // namespace

TEST_CASE("migrations apply once and are skipped the second time", "[db]")
{
    BlockingPool blocking{2};
    db::Pool pool{fresh_database("migrate_once"), blocking};
    MigrationDir dir{{{"002_seed.sql", "INSERT INTO items (name) VALUES ('first');"},
                      {"001_items.sql", "CREATE TABLE items (id serial PRIMARY KEY, name text);\n"
                                        "CREATE INDEX items_name ON items (name);"},
                      {"003_placeholder.sql", "-- nothing yet\n"},
                      {"notes.txt", "not a migration"}}};

    std::vector<std::string> const first{"001_items.sql", "002_seed.sql", "003_placeholder.sql"};
    CHECK(db::migrate(pool, dir.path()) == first);
    CHECK(db::migrate(pool, dir.path()).empty());
    CHECK(versions(pool) == first);
    CHECK(scalar(pool, "SELECT count(*) FROM items") == 1);

    std::ofstream{dir.path() / "004_more.sql"} << "INSERT INTO items (name) VALUES ('second');";
    CHECK(db::migrate(pool, dir.path()) == std::vector<std::string>{"004_more.sql"});
    CHECK(scalar(pool, "SELECT count(*) FROM items") == 2);
    CHECK(scalar(pool, "SELECT count(*) FROM schema_migrations WHERE applied_at <= now()") == 4);
}

TEST_CASE("instances migrating at once apply each file exactly once", "[db]")
{
    BlockingPool blocking{2};
    auto const config = fresh_database("migrate_concurrently");
    std::vector<std::pair<std::string, std::string>> files{
        {"001_log.sql", "CREATE TABLE log (step int NOT NULL);"}};
    for (int step = 2; step <= 6; ++step) {
        files.emplace_back("00" + std::to_string(step) + "_step.sql",
                           "SELECT pg_sleep(0.02); INSERT INTO log VALUES (" +
                               std::to_string(step) + ");");
    }
    MigrationDir dir{files};

    constexpr int kInstances = 4;
    std::vector<std::unique_ptr<db::Pool>> pools;
    for (int i = 0; i < kInstances; ++i) {
        pools.push_back(std::make_unique<db::Pool>(config, blocking));
    }
    std::barrier start{kInstances};
    std::vector<std::future<std::vector<std::string>>> runs;
    for (auto& pool : pools) {
        runs.push_back(std::async(std::launch::async, [&start, &dir, &pool] {
            start.arrive_and_wait();
            return db::migrate(*pool, dir.path());
        }));
    }
    std::multiset<std::string> applied;
    for (auto& run : runs) {
        for (auto& name : run.get()) {
            applied.insert(std::move(name));
        }
    }

    CHECK(applied.size() == files.size());
    for (auto const& [name, sql] : files) {
        CHECK(applied.count(name) == 1);
    }
    CHECK(scalar(*pools[0], "SELECT count(*) FROM log") == 5);
    CHECK(scalar(*pools[0], "SELECT count(DISTINCT step) FROM log") == 5);
    CHECK(versions(*pools[0]).size() == files.size());
}

TEST_CASE("a failing migration names its file and leaves earlier ones applied", "[db]")
{
    BlockingPool blocking{2};
    db::Pool pool{fresh_database("migrate_failure"), blocking};
    MigrationDir dir{{{"001_ok.sql", "CREATE TABLE good (id int);"},
                      {"002_broken.sql", "CREATE TABLE half (id int);\nSELEC 1;"},
                      {"003_later.sql", "CREATE TABLE later (id int);"}}};

    std::string message;
    try {
        db::migrate(pool, dir.path());
    } catch (db::MigrationError const& e) {
        message = e.what();
    }
    CHECK(message.find("migration 002_broken.sql failed") != std::string::npos);
    CHECK(message.find("syntax error") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
    CHECK(versions(pool) == std::vector<std::string>{"001_ok.sql"});
    auto const exists = [&](std::string const& table) {
        return pool.run_sync([&](pqxx::work& tx) {
            return !tx.exec_params1("SELECT to_regclass($1)::text", table)[0].is_null();
        });
    };
    CHECK(exists("good"));
    CHECK_FALSE(exists("half")); // the failed file rolled back as a whole
    CHECK_FALSE(exists("later"));

    CHECK_THROWS_WITH(db::migrate(pool, dir.path() / "missing"),
                      Catch::Contains("migrations directory") && Catch::Contains("not found"));
}

TEST_CASE("run executes off the calling thread and returns the value", "[db]")
{
    BlockingPool blocking{2};
    db::Pool pool{fresh_database("run_value"), blocking};
    auto const caller = std::this_thread::get_id();

    auto const [sum, worker] = await([&]() -> awaitable<std::pair<int, std::thread::id>> {
        auto const on_caller = std::this_thread::get_id();
        auto result = co_await pool.run([](pqxx::work& tx) {
            auto const sum = tx.exec_params1("SELECT $1::int + $2::int", 40, 2)[0].as<int>();
            return std::pair{sum, std::this_thread::get_id()};
        });
        CHECK(std::this_thread::get_id() == on_caller); // resumed on its own executor
        co_return result;
    }());

    CHECK(sum == 42);
    CHECK(worker != caller);
}

TEST_CASE("run propagates exceptions and rolls back uncommitted work", "[db]")
{
    BlockingPool blocking{2};
    db::Pool pool{fresh_database("run_errors"), blocking};
    pool.run_sync([](pqxx::work& tx) {
        tx.exec_params("CREATE TABLE notes (text text NOT NULL)");
        tx.commit();
    });

    auto const throwing = [&]() -> awaitable<void> {
        co_await pool.run([](pqxx::work& tx) {
            tx.exec_params("INSERT INTO notes VALUES ($1)", "lost");
            throw std::runtime_error{"business rule broken"};
        });
    };
    CHECK_THROWS_WITH(await(throwing()), "business rule broken");

    auto const bad_sql = [&]() -> awaitable<void> {
        co_await pool.run([](pqxx::work& tx) { tx.exec_params("SELECT * FROM no_such_table"); });
    };
    CHECK_THROWS_AS(await(bad_sql()), pqxx::undefined_table);

    await([&]() -> awaitable<void> {
        co_await pool.run([](pqxx::work& tx) {
            tx.exec_params("INSERT INTO notes VALUES ($1)", "never committed");
        });
        co_await pool.run([](pqxx::work& tx) {
            tx.exec_params("INSERT INTO notes VALUES ($1)", "kept");
            tx.commit();
        });
    }());

    CHECK(scalar(pool, "SELECT count(*) FROM notes") == 1);
    CHECK(scalar(pool, "SELECT count(*) FROM notes WHERE text = 'kept'") == 1);
    CHECK(pool.stats().in_use == 0);
}

TEST_CASE("read runs each statement as a transaction of its own", "[db]")
{
    BlockingPool blocking{2};
    db::Pool pool{fresh_database("read_autocommit"), blocking};
    pool.run_sync([](pqxx::work& tx) {
        tx.exec("CREATE TABLE notes (text text NOT NULL)");
        tx.exec("INSERT INTO notes VALUES ('kept')");
        tx.commit();
    });

    auto const [count, in_block, xids] = await([&]() -> awaitable<std::tuple<int, bool, int>> {
        co_return co_await pool.read([](pqxx::nontransaction& tx) {
            auto const count = tx.exec1("SELECT count(*) FROM notes")[0].as<int>();
            // now() is the transaction's start: inside BEGIN it stands still, here it moves.
            auto const in_block = tx.exec1("SELECT now() <> statement_timestamp()")[0].as<bool>();
            std::set<std::string> ids;
            for (int i = 0; i < 2; ++i)
                ids.insert(tx.exec1("SELECT pg_current_xact_id()::text")[0].as<std::string>());
            return std::tuple{count, in_block, static_cast<int>(ids.size())};
        });
    }());
    CHECK(count == 1);
    CHECK_FALSE(in_block);
    CHECK(xids == 2); // two statements, two transactions

    auto const bad_sql = [&]() -> awaitable<void> {
        co_await pool.read(
            [](pqxx::nontransaction& tx) { tx.exec("SELECT * FROM no_such_table"); });
    };
    CHECK_THROWS_AS(await(bad_sql()), pqxx::undefined_table);
    CHECK(pool.stats().in_use == 0);
    CHECK(scalar(pool, "SELECT count(*) FROM notes") == 1); // and the pool still works
}

TEST_CASE("read runs once more on a new connection when a pooled one breaks", "[db]")
{
    BlockingPool blocking{2};
    db::Pool pool{fresh_database("read_retry", 1), blocking};
    auto const first_pid = scalar(pool, "SELECT pg_backend_pid()"); // pooled, idle

    // The first attempt loses its connection mid-read, as with a server that went away.
    int attempts = 0;
    auto const pid = await([&]() -> awaitable<std::int64_t> {
        co_return co_await pool.read([&](pqxx::nontransaction& tx) {
            if (++attempts == 1)
                tx.exec("SELECT pg_terminate_backend(pg_backend_pid())");
            return tx.exec1("SELECT pg_backend_pid()")[0].as<std::int64_t>();
        });
    }());
    CHECK(attempts == 2);
    CHECK(pid != first_pid);
    CHECK(pool.stats().open == 1);

    // A connection opened for the read that breaks too is not tried a third time: 503.
    attempts = 0;
    auto const error = http_error_of([&] {
        await(pool.read([&](pqxx::nontransaction& tx) {
            ++attempts;
            tx.exec("SELECT pg_terminate_backend(pg_backend_pid())");
        }));
    });
    REQUIRE(error);
    CHECK(error->status() == shop::http::Status::service_unavailable);
    CHECK(attempts == 2);
    CHECK(pool.stats().in_use == 0);
    CHECK(scalar(pool, "SELECT 1") == 1);
}

TEST_CASE("statements a connect hook prepares run on every connection the pool opens", "[db]")
{
    BlockingPool blocking{2};
    auto const config = fresh_database("prepared", 1);
    db::Pool pool{config, blocking, [](pqxx::connection& connection) {
                      connection.prepare("twice", "SELECT $1::int * 2");
                  }};
    auto const twice = [&](int n) {
        return await(pool.read(
            [n](pqxx::nontransaction& tx) { return tx.exec_prepared1("twice", n)[0].as<int>(); }));
    };
    CHECK(twice(21) == 42);

    // The server ends the connection; the one that replaces it has the statement too.
    pqxx::connection admin{server().url("postgres")};
    pqxx::nontransaction{admin}.exec_params("SELECT pg_terminate_backend($1, 5000)",
                                            scalar(pool, "SELECT pg_backend_pid()"));
    CHECK(twice(5) == 10);
}

TEST_CASE("a unique violation maps to 409", "[db]")
{
    BlockingPool blocking{2};
    db::Pool pool{fresh_database("unique_violation"), blocking};
    pool.run_sync([](pqxx::work& tx) {
        tx.exec_params("CREATE TABLE users (email text PRIMARY KEY)");
        tx.exec_params("INSERT INTO users VALUES ($1)", "ann@example.com");
        tx.commit();
    });

    auto const error = http_error_of([&] {
        pool.run_sync([](pqxx::work& tx) {
            tx.exec_params("INSERT INTO users VALUES ($1)", "ann@example.com");
            tx.commit();
        });
    });
    REQUIRE(error);
    CHECK(error->status() == shop::http::Status::conflict);
    CHECK(scalar(pool, "SELECT count(*) FROM users") == 1); // and the pool still works
}

TEST_CASE("with the database down run fails fast with 503 and the pool recovers after", "[db]")
{
    BlockingPool blocking{2};
    auto config = fresh_database("database_down", 2);
    db::Pool pool{config, blocking};
    CHECK(scalar(pool, "SELECT 1") == 1); // an idle connection now sits in the pool

    RestartOnExit restart;
    server().stop();
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto const begin = std::chrono::steady_clock::now();
        auto const error = http_error_of([&] { await(pool.run([](pqxx::work&) {})); });
        REQUIRE(error);
        CHECK(error->status() == shop::http::Status::service_unavailable);
        CHECK(std::string{error->what()} == "Service Unavailable");
        CHECK(std::chrono::steady_clock::now() - begin < config.connect_timeout);
    }
    CHECK(pool.stats().open == 0);
    CHECK(pool.stats().in_use == 0);

    server().start();
    CHECK(scalar(pool, "SELECT 2") == 2);
}

TEST_CASE("an idle connection the server killed is replaced on next use", "[db]")
{
    BlockingPool blocking{2};
    db::Pool pool{fresh_database("killed_connection", 1), blocking};
    auto const pid = scalar(pool, "SELECT pg_backend_pid()");

    pqxx::connection admin{server().url("postgres")};
    // Waits until the backend is gone; its FATAL message is on the pool's socket by then.
    pqxx::nontransaction{admin}.exec_params("SELECT pg_terminate_backend($1, 5000)", pid);

    CHECK(scalar(pool, "SELECT pg_backend_pid()") != pid);
    CHECK(pool.stats().open == 1);
}

TEST_CASE("ping reports the database down then up", "[db]")
{
    BlockingPool blocking{2};
    db::Pool pool{fresh_database("ping"), blocking};
    CHECK(await(pool.ping()).up);

    RestartOnExit restart;
    server().stop();
    auto const down = await(pool.ping());
    CHECK_FALSE(down.up);
    CHECK(down.message == "unreachable");

    server().start();
    CHECK(await(pool.ping()).up);
}

TEST_CASE("an exhausted pool makes callers wait then fail with 503", "[db]")
{
    BlockingPool blocking{2};
    auto config = fresh_database("exhausted", 1);
    config.acquire_timeout = 300ms;
    db::Pool pool{config, blocking};

    std::latch holding{1};
    std::promise<void> release;
    auto holder = std::async(std::launch::async, [&] {
        pool.run_sync([&](pqxx::work&) {
            holding.count_down();
            release.get_future().wait();
        });
    });
    holding.wait();

    auto waiter = std::async(std::launch::async, [&] {
        auto const begin = std::chrono::steady_clock::now();
        auto const error = http_error_of([&] { pool.run_sync([](pqxx::work&) {}); });
        return std::pair{error, std::chrono::steady_clock::now() - begin};
    });
    auto const deadline = std::chrono::steady_clock::now() + 2s;
    while (pool.stats().waiting == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    auto const stats = pool.stats();
    CHECK(stats.size == 1);
    CHECK(stats.in_use == 1);
    CHECK(stats.waiting == 1);

    auto const [error, waited] = waiter.get();
    REQUIRE(error);
    CHECK(error->status() == shop::http::Status::service_unavailable);
    CHECK(waited >= 300ms);
    CHECK(waited < 2s);

    release.set_value();
    holder.get();
    CHECK(scalar(pool, "SELECT 3") == 3); // free again
    CHECK(pool.stats().waiting == 0);
}
