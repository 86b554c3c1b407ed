#pragma once
// Where a service's database is and how its connection pool behaves, read from seed 002's
// variables (DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD, DB_DATABASE) or DATABASE_URL.
#include <shop/config/env.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shop::db {

struct Config {
    std::string url; // DATABASE_URL as given; when set it wins over the fields below
    std::string host = "localhost";
    std::uint16_t port = 5432;
    std::string user = "postgres";
    std::string password = "postgres";
    std::string database;
    std::size_t pool_size = 10;
    std::chrono::milliseconds connect_timeout{3'000};
    std::chrono::milliseconds acquire_timeout{5'000};

    // DATABASE_URL, DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD, DB_DATABASE (default_database
    // when unset), DB_POOL_SIZE (1..100), DB_CONNECT_TIMEOUT_MS, DB_ACQUIRE_TIMEOUT_MS.
    // Throws config::Error naming the bad variable; the message never holds a password.
    static Config from_env(config::Env const& env, std::string_view default_database);

    // The libpq connection string: keyword='value' pairs quoted and escaped, or the URL with
    // connect_timeout added. Holds the password: never log it.
    std::string connection_string() const;

    // user@host:port/database (or the URL with its password masked), for logs.
    std::string describe() const;
};

// `value` as a libpq connection-string value: single-quoted, with \ and ' escaped.
std::string quote_conninfo_value(std::string_view value);

} // namespace shop::db
