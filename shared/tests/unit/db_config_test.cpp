#include <shop/db/config.hpp>
#include <shop/db/errors.hpp>

#include <catch2/catch.hpp>
#include <pqxx/except>

using namespace std::chrono_literals;
using shop::config::Env;
using shop::config::Error;
using shop::config::Vars;
using shop::db::Config;
using shop::db::quote_conninfo_value;

namespace {

std::string error_of(Vars vars)
{
    try {
        Config::from_env(Env{std::move(vars)}, "userdb");
    } catch (Error const& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("database settings default to seed 002's local stack", "[db][config]")
{
    auto const c = Config::from_env(Env{{}}, "orderdb");
    CHECK(c.url.empty());
    CHECK(c.host == "localhost");
    CHECK(c.port == 5432);
    CHECK(c.user == "postgres");
    CHECK(c.password == "postgres");
    CHECK(c.database == "orderdb");
    CHECK(c.pool_size == 10);
    CHECK(c.connect_timeout == 3000ms);
    CHECK(c.acquire_timeout == 5000ms);
    CHECK(c.connection_string() == "host='localhost' port=5432 user='postgres' "
                                   "password='postgres' dbname='orderdb' connect_timeout=3");
}

TEST_CASE("database variables override the defaults", "[db][config]")
{
    auto const c = Config::from_env(Env{{{"DB_HOST", "db.internal"},
                                         {"DB_PORT", "5433"},
                                         {"DB_USERNAME", "shop"},
                                         {"DB_PASSWORD", "s3cret"},
                                         {"DB_DATABASE", "orders"},
                                         {"DB_POOL_SIZE", "4"},
                                         {"DB_CONNECT_TIMEOUT_MS", "10s"},
                                         {"DB_ACQUIRE_TIMEOUT_MS", "250"}}},
                                    "orderdb");
    CHECK(c.host == "db.internal");
    CHECK(c.port == 5433);
    CHECK(c.user == "shop");
    CHECK(c.password == "s3cret");
    CHECK(c.database == "orders");
    CHECK(c.pool_size == 4);
    CHECK(c.connect_timeout == 10s);
    CHECK(c.acquire_timeout == 250ms);
    CHECK(c.connection_string() == "host='db.internal' port=5433 user='shop' password='s3cret' "
                                   "dbname='orders' connect_timeout=10");
}

TEST_CASE("connection string values are quoted and escaped", "[db][config]")
{
    CHECK(quote_conninfo_value("plain") == "'plain'");
    CHECK(quote_conninfo_value("") == "''");
    CHECK(quote_conninfo_value("two words") == "'two words'");
    CHECK(quote_conninfo_value("it's") == R"('it\'s')");
    CHECK(quote_conninfo_value(R"(back\slash)") == R"('back\\slash')");
    CHECK(quote_conninfo_value("a=b host=evil") == "'a=b host=evil'");

    auto const c = Config::from_env(
        Env{{{"DB_PASSWORD", R"(p' host='evil\)"}, {"DB_DATABASE", "my db"}}}, "userdb");
    CHECK(c.connection_string() == R"(host='localhost' port=5432 user='postgres' )"
                                   R"(password='p\' host=\'evil\\' dbname='my db' )"
                                   R"(connect_timeout=3)");
}

TEST_CASE("the connect timeout is rounded up to whole seconds of at least two", "[db][config]")
{
    auto const timeout_part = [](std::string ms) {
        auto const s = Config::from_env(Env{{{"DB_CONNECT_TIMEOUT_MS", std::move(ms)}}}, "userdb")
                           .connection_string();
        return s.substr(s.rfind(' ') + 1);
    };
    CHECK(timeout_part("1") == "connect_timeout=2");
    CHECK(timeout_part("2000") == "connect_timeout=2");
    CHECK(timeout_part("2001") == "connect_timeout=3");
    CHECK(timeout_part("1m") == "connect_timeout=60");
}

TEST_CASE("DATABASE_URL wins over the separate variables", "[db][config]")
{
    auto const c = Config::from_env(
        Env{{{"DATABASE_URL", "postgresql://u:pw@db:6543/shop"}, {"DB_HOST", "ignored"}}},
        "userdb");
    CHECK(c.url == "postgresql://u:pw@db:6543/shop");
    CHECK(c.connection_string() == "postgresql://u:pw@db:6543/shop?connect_timeout=3");

    auto const with_query =
        Config::from_env(Env{{{"DATABASE_URL", "postgres://db/shop?sslmode=require"}}}, "userdb");
    CHECK(with_query.connection_string() == "postgres://db/shop?sslmode=require&connect_timeout=3");

    auto const own_timeout = Config::from_env(
        Env{{{"DATABASE_URL", "postgresql://db/shop?connect_timeout=9"}}}, "userdb");
    CHECK(own_timeout.connection_string() == "postgresql://db/shop?connect_timeout=9");
}

TEST_CASE("describing the database never shows the password", "[db][config]")
{
    auto const fields = Config::from_env(Env{{{"DB_PASSWORD", "hunter2"}}}, "userdb");
    CHECK(fields.describe() == "postgres@localhost:5432/userdb");

    auto const url = Config::from_env(
        Env{{{"DATABASE_URL", "postgresql://app:hunter2@db:5432/shop?sslmode=require"}}}, "userdb");
    CHECK(url.describe() == "postgresql://app:***@db:5432/shop?sslmode=require");

    auto const no_password =
        Config::from_env(Env{{{"DATABASE_URL", "postgresql://app@db/shop"}}}, "userdb");
    CHECK(no_password.describe() == "postgresql://app@db/shop");
}

TEST_CASE("a bad database variable is named in one line", "[db][config]")
{
    CHECK(error_of({{"DB_PORT", "0"}}) == R"(DB_PORT="0": expected an integer from 1 to 65535)");
    CHECK(error_of({{"DB_PORT", "abc"}}) ==
          R"(DB_PORT="abc": expected an integer from 1 to 65535)");
    CHECK(error_of({{"DB_POOL_SIZE", "0"}}) ==
          R"(DB_POOL_SIZE="0": expected an integer from 1 to 100)");
    CHECK(error_of({{"DB_POOL_SIZE", "101"}}) ==
          R"(DB_POOL_SIZE="101": expected an integer from 1 to 100)");
    CHECK(error_of({{"DB_CONNECT_TIMEOUT_MS", "0"}}) ==
          R"(DB_CONNECT_TIMEOUT_MS="0": expected a duration above 0 like 3000 or 3s)");
    CHECK(error_of({{"DB_ACQUIRE_TIMEOUT_MS", "soon"}}).starts_with("DB_ACQUIRE_TIMEOUT_MS="));
}

TEST_CASE("a malformed DATABASE_URL is rejected without echoing it", "[db][config]")
{
    for (auto const* url :
         {"mysql://u:hunter2@db/shop", "postgresql://u:hunter2@db/my shop", "hunter2"}) {
        auto const message = error_of({{"DATABASE_URL", url}});
        CHECK(message.starts_with("DATABASE_URL: expected a URL like postgresql://"));
        CHECK(message.find("hunter2") == std::string::npos);
    }
}

TEST_CASE("database failures map to HTTP statuses", "[db][errors]")
{
    using shop::db::http_error_for;
    using Status = shop::http::Status;

    auto const conflict =
        http_error_for(pqxx::unique_violation{"duplicate key", "INSERT", "23505"});
    REQUIRE(conflict);
    CHECK(conflict->status() == Status::conflict);

    auto const down = http_error_for(pqxx::broken_connection{"could not connect to 10.0.0.5"});
    REQUIRE(down);
    CHECK(down->status() == Status::service_unavailable);
    CHECK(std::string{down->what()}.find("10.0.0.5") == std::string::npos);

    auto const busy = http_error_for(shop::db::PoolExhausted{"no free connection"});
    REQUIRE(busy);
    CHECK(busy->status() == Status::service_unavailable);

    CHECK_FALSE(http_error_for(pqxx::syntax_error{"syntax", "SELEC", "42601"}));
    CHECK_FALSE(http_error_for(std::runtime_error{"other"}));
}

TEST_CASE("only transient database failures are retryable", "[db][errors]")
{
    using shop::db::is_retryable;
    CHECK(is_retryable(pqxx::serialization_failure{"could not serialize"}));
    CHECK(is_retryable(pqxx::deadlock_detected{"deadlock"}));
    CHECK(is_retryable(pqxx::broken_connection{"gone"}));
    CHECK(is_retryable(pqxx::too_many_connections{"full"}));
    CHECK(is_retryable(shop::db::PoolExhausted{"busy"}));
    CHECK_FALSE(is_retryable(pqxx::in_doubt_error{"commit outcome unknown"}));
    CHECK_FALSE(is_retryable(pqxx::statement_completion_unknown{"unknown"}));
    CHECK_FALSE(is_retryable(pqxx::unique_violation{"duplicate key", "INSERT", "23505"}));
    CHECK_FALSE(is_retryable(std::runtime_error{"other"}));
}
