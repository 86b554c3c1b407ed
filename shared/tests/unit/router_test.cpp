#include <shop/http/router.hpp>

#include <catch2/catch.hpp>

using shop::http::Match;
using shop::http::Router;
using shop::http::Verb;

namespace {

shop::http::Handler noop()
{
    return [](shop::http::Request&) -> shop::awaitable<shop::http::Response> {
        co_return shop::http::Response{};
    };
}

std::string pattern_of(Match const& m)
{
    return m.route ? m.route->pattern : "<none>";
}

} // namespace

TEST_CASE("a path parameter matches one segment and is captured", "[router]")
{
    Router routes;
    routes.get("/api/users/:id", noop());
    auto const m = routes.match(Verb::get, "/api/users/42");
    REQUIRE(pattern_of(m) == "/api/users/:id");
    REQUIRE(m.params.size() == 1);
    CHECK(m.params[0].first == "id");
    CHECK(m.params[0].second == "42");
    CHECK_FALSE(routes.match(Verb::get, "/api/users/42/orders").route);
    CHECK_FALSE(routes.match(Verb::get, "/api/users").route);
    CHECK_FALSE(routes.match(Verb::get, "/api/users/").route);
}

TEST_CASE("literal segments win over parameters whatever the registration order", "[router]")
{
    Router routes;
    routes.get("/api/users/:id", noop());
    routes.get("/api/users/me", noop());
    CHECK(pattern_of(routes.match(Verb::get, "/api/users/me")) == "/api/users/me");
    CHECK(pattern_of(routes.match(Verb::get, "/api/users/7")) == "/api/users/:id");
}

TEST_CASE("the literal at the first differing segment decides between matches", "[router]")
{
    Router routes;
    routes.get("/:a/b/c", noop());
    routes.get("/x/:b/:c", noop());
    CHECK(pattern_of(routes.match(Verb::get, "/x/b/c")) == "/x/:b/:c");
    CHECK(pattern_of(routes.match(Verb::get, "/y/b/c")) == "/:a/b/c");
}

TEST_CASE("several parameters are captured in order", "[router]")
{
    Router routes;
    routes.get("/a/:x/b/:y", noop());
    auto const m = routes.match(Verb::get, "/a/1/b/2");
    REQUIRE(m.params.size() == 2);
    CHECK(m.params[0] == std::pair<std::string_view, std::string_view>{"x", "1"});
    CHECK(m.params[1] == std::pair<std::string_view, std::string_view>{"y", "2"});
}

TEST_CASE("a single trailing slash is ignored", "[router]")
{
    Router routes;
    routes.get("/health/live", noop());
    routes.get("/", noop());
    CHECK(pattern_of(routes.match(Verb::get, "/health/live/")) == "/health/live");
    CHECK(pattern_of(routes.match(Verb::get, "/")) == "/");
    CHECK_FALSE(routes.match(Verb::get, "/health//live").route);
}

TEST_CASE("a wrong method is told apart from an unknown path", "[router]")
{
    Router routes;
    routes.get("/api/users", noop());
    routes.post("/api/users", noop());
    auto const wrong_method = routes.match(Verb::delete_, "/api/users");
    CHECK_FALSE(wrong_method.route);
    CHECK(wrong_method.allowed == "GET, HEAD, POST");
    auto const unknown = routes.match(Verb::get, "/api/nothing");
    CHECK_FALSE(unknown.route);
    CHECK(unknown.allowed.empty());
}

TEST_CASE("a path deeper or shallower than every route matches none and allows nothing", "[router]")
{
    Router routes;
    routes.get("/api/users/:id", noop());
    routes.post("/api/users", noop());
    for (auto const* path : {"/api/users/1/orders/2/items", "/api", "/"}) {
        auto const m = routes.match(Verb::delete_, path);
        CHECK_FALSE(m.route);
        CHECK(m.allowed.empty());
    }
    CHECK(routes.match(Verb::delete_, "/api/users/1/").allowed == "GET, HEAD");
    // Of the routes as long as the path, only those whose literals agree count.
    CHECK(routes.match(Verb::delete_, "/api/orders").allowed.empty());
    CHECK(routes.match(Verb::delete_, "/api/users").allowed == "POST");
}

TEST_CASE("HEAD falls back to the GET route", "[router]")
{
    Router routes;
    routes.get("/metrics", noop());
    CHECK(pattern_of(routes.match(Verb::head, "/metrics")) == "/metrics");
}

TEST_CASE("routes are told apart by method", "[router]")
{
    Router routes;
    routes.get("/api/users/:id", noop());
    routes.put("/api/users/:id", noop());
    routes.del("/api/users/:id", noop());
    auto const put = routes.match(Verb::put, "/api/users/1");
    REQUIRE(put.route);
    CHECK(put.route->method == Verb::put);
    CHECK(routes.match(Verb::delete_, "/api/users/1").route->method == Verb::delete_);
}

TEST_CASE("malformed patterns and duplicate routes are refused", "[router]")
{
    Router routes;
    CHECK_THROWS_AS(routes.get("health", noop()), std::invalid_argument);
    CHECK_THROWS_AS(routes.get("/a//b", noop()), std::invalid_argument);
    CHECK_THROWS_AS(routes.get("/a/:", noop()), std::invalid_argument);
    CHECK_THROWS_AS(routes.get("/a/:1x", noop()), std::invalid_argument);
    routes.get("/api/users/:id", noop());
    CHECK_THROWS_AS(routes.get("/api/users/:userId", noop()), std::invalid_argument);
    CHECK_NOTHROW(routes.post("/api/users/:id", noop()));
}

TEST_CASE("route ids are positions in the table", "[router]")
{
    Router routes;
    routes.get("/a", noop()).get("/b", noop());
    CHECK(routes.match(Verb::get, "/a").route->id == 0);
    CHECK(routes.match(Verb::get, "/b").route->id == 1);
}
