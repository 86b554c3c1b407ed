#pragma once
// What the order-service's routes and consumers share: the database, the outbox relay to
// wake after a commit, the user-service lookup, the blocking pool and business metrics.
#include "order/user_directory.hpp"

#include <shop/app/blocking_pool.hpp>
#include <shop/db/pool.hpp>
#include <shop/metrics/registry.hpp>
#include <shop/outbox/relay.hpp>

namespace shop::order {

inline constexpr std::string_view kService = "order-service";

struct Deps {
    db::Pool& db;
    outbox::Relay& relay;
    BlockingPool& blocking;
    UserDirectory const& users;
    metrics::Family<metrics::Counter>& orders_created; // {kind}

    Deps(db::Pool& pool, outbox::Relay& relay_, BlockingPool& blocking_pool,
         UserDirectory const& directory, metrics::Registry& registry)
        : db{pool}, relay{relay_}, blocking{blocking_pool}, users{directory},
          orders_created{
              registry.counter("orders_created_total", "Orders created, by kind", {"kind"})}
    {}
};

} // namespace shop::order
