#pragma once
// The bodies of the /api/users handlers: validate, hash off the I/O threads, change the
// table and append the event in one transaction, wake the relay once it committed.
#include <shop/app/blocking_pool.hpp>
#include <shop/db/pool.hpp>
#include <shop/http/request.hpp>
#include <shop/http/response.hpp>
#include <shop/metrics/registry.hpp>
#include <shop/net/asio.hpp>
#include <shop/outbox/relay.hpp>

namespace shop::user {

inline constexpr std::string_view kServiceName = "user-service";

class Service {
public:
    // All must outlive the service.
    Service(db::Pool& pool, BlockingPool& blocking, outbox::Relay& relay,
            metrics::Registry& metrics);

    awaitable<http::Response> create(http::Request& req); // POST /api/users
    awaitable<http::Response> list(http::Request& req);   // GET /api/users
    awaitable<http::Response> get(http::Request& req);    // GET /api/users/:id
    awaitable<http::Response> update(http::Request& req); // PUT /api/users/:id
    awaitable<http::Response> remove(http::Request& req); // DELETE /api/users/:id

private:
    db::Pool& pool_;
    BlockingPool& blocking_; // for password hashing, which needs no connection
    outbox::Relay& relay_;
    metrics::Counter& users_created_;
};

} // namespace shop::user
