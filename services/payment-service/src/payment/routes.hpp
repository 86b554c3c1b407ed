#pragma once
// The payment-service's HTTP API: GET /api/payments, GET /api/payments/:id.
#include "payment/deps.hpp"

#include <shop/http/router.hpp>

namespace shop::payment {

void add_routes(http::Router& routes, Deps& deps);

} // namespace shop::payment
