#pragma once
// The route table: method + path pattern ("/api/users/:id") → handler. When several
// routes match, the one with a literal at the first segment where they differ wins, so
// "/api/users/me" beats "/api/users/:id" whatever the registration order.
#include <shop/http/request.hpp>
#include <shop/http/response.hpp>
#include <shop/net/asio.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shop::http {

using Handler = std::function<awaitable<Response>(Request&)>;
// Given a request no route matched and the 404 or 405 the server would send, what is sent.
using Fallback = std::function<awaitable<Response>(Request&, Response)>;

struct Route {
    std::size_t id; // position in the table, 0-based
    Verb method;
    std::string pattern;
    std::vector<std::string> segments; // ":name" for a parameter
    Handler handler;
};

struct Match {
    Route const* route = nullptr;
    Request::Params params;
    std::string allowed; // when only the method was wrong: "GET, HEAD" for an Allow header
};

class Router {
public:
    Router& get(std::string_view pattern, Handler handler);
    Router& post(std::string_view pattern, Handler handler);
    Router& put(std::string_view pattern, Handler handler);
    Router& patch(std::string_view pattern, Handler handler);
    Router& del(std::string_view pattern, Handler handler);
    // Throws std::invalid_argument for a malformed pattern or a route registered twice.
    Router& add(Verb method, std::string_view pattern, Handler handler);

    // HEAD falls back to the GET route. A single trailing slash is ignored.
    Match match(Verb method, std::string_view path) const;

    std::vector<std::unique_ptr<Route>> const& routes() const { return routes_; }

    // For a service whose every answer goes through its own steps (the gateway's CORS,
    // security and rate limit headers, preflights on any path): unset, the 404 or 405 is sent
    // as it is.
    Router& fallback(Fallback fallback);
    Fallback const& fallback() const { return fallback_; }

private:
    Fallback fallback_;
    std::vector<std::unique_ptr<Route>> routes_; // unique_ptr: Requests point into routes
    // by_length_[n]: the routes of n segments, in registration order; a path is compared
    // only with the routes of its own length.
    std::vector<std::vector<Route const*>> by_length_;
};

} // namespace shop::http
