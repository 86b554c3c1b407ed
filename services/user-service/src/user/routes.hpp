#pragma once
// The /api/users route table; the handler bodies live in Service.
#include "user/service.hpp"

#include <shop/http/router.hpp>

namespace shop::user {

// `users` must outlive the routes.
void add_routes(http::Router& routes, Service& users);

} // namespace shop::user
