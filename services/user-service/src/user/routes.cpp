#include "user/routes.hpp"

namespace shop::user {

void add_routes(http::Router& routes, Service& users)
{
    routes.post("/api/users", [&users](http::Request& req) { return users.create(req); })
        .get("/api/users", [&users](http::Request& req) { return users.list(req); })
        .get("/api/users/:id", [&users](http::Request& req) { return users.get(req); })
        .put("/api/users/:id", [&users](http::Request& req) { return users.update(req); })
        .del("/api/users/:id", [&users](http::Request& req) { return users.remove(req); });
}

} // namespace shop::user
