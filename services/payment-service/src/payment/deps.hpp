#pragma once
// What the payment-service's routes and consumer share.
#include "payment/decision.hpp"

#include <shop/db/pool.hpp>
#include <shop/metrics/registry.hpp>
#include <shop/outbox/relay.hpp>

namespace shop::payment {

inline constexpr std::string_view kService = "payment-service";

struct Deps {
    db::Pool& db;
    outbox::Relay& relay;
    Policy policy;
    metrics::Family<metrics::Counter>& payments; // {status}

    Deps(db::Pool& pool, outbox::Relay& relay_, Policy policy_, metrics::Registry& registry)
        : db{pool}, relay{relay_}, policy{policy_},
          payments{registry.counter("payments_total", "Payments processed, by status", {"status"})}
    {}
};

} // namespace shop::payment
