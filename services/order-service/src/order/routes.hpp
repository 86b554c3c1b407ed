#pragma once
// The order-service's HTTP API: POST /api/orders, GET /api/orders, GET /api/orders/:id.
#include "order/deps.hpp"

#include <shop/http/router.hpp>

namespace shop::order {

void add_routes(http::Router& routes, Deps& deps);

} // namespace shop::order
