#pragma once
// How database failures surface: libpqxx's SQLSTATE-based exceptions mapped to HTTP statuses
// and to the retry decision of consumers.
#include <shop/http/error.hpp>

#include <exception>
#include <optional>
#include <stdexcept>

namespace shop::db {

// No connection came free within DB_ACQUIRE_TIMEOUT_MS.
class PoolExhausted : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

// 409 for a unique violation, 503 for a lost/unreachable database or an exhausted pool
// (messages reveal nothing of the cause); nullopt for everything else.
std::optional<http::Error> http_error_for(std::exception const& e);

// Whether running the same transaction again may succeed: serialization failures, deadlocks,
// lost connections and an exhausted pool. Never an in-doubt commit (it may have happened).
bool is_retryable(std::exception const& e);

} // namespace shop::db
