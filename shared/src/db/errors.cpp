#include <shop/db/errors.hpp>

#include <pqxx/except>

namespace shop::db {
namespace {

template <class T>
bool is(std::exception const& e)
{
    return dynamic_cast<T const*>(&e) != nullptr;
}

} // namespace

std::optional<http::Error> http_error_for(std::exception const& e)
{
    if (is<pqxx::unique_violation>(e)) {
        return http::Error{http::Status::conflict, "Conflict"};
    }
    if (is<pqxx::broken_connection>(e) || is<PoolExhausted>(e)) {
        return http::Error{http::Status::service_unavailable, "Service Unavailable"};
    }
    return std::nullopt;
}

bool is_retryable(std::exception const& e)
{
    // in_doubt_error and statement_completion_unknown are deliberately absent.
    return is<pqxx::serialization_failure>(e) || is<pqxx::deadlock_detected>(e) ||
           is<pqxx::broken_connection>(e) || is<PoolExhausted>(e);
}

} // namespace shop::db
