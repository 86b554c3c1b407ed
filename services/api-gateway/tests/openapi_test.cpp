// The OpenAPI document compiled into the gateway: well formed, complete against the routes
// the gateway really has, and stating DESIGN §4's rules.
#include "gateway/config.hpp"
#include "gateway/event_routes.hpp"
#include "gateway/gateway.hpp"
#include "gateway/openapi.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

using namespace shop::gateway;
using nlohmann::json;

namespace {

json const& document()
{
    static json const doc = json::parse(openapi_document());
    return doc;
}

constexpr char const* kMethods[] = {"get",     "put",  "post",  "delete",
                                    "options", "head", "patch", "trace"};

struct Operation {
    std::string path;
    std::string method;
    json const* op;
};

std::vector<Operation> operations()
{
    std::vector<Operation> ops;
    for (auto const& [path, item] : document().at("paths").items())
        for (auto const* method : kMethods)
            if (item.contains(method))
                ops.push_back({path, method, &item.at(method)});
    return ops;
}

// The object a local "$ref" names; throws when it names nothing.
json const& resolve(json const& value)
{
    if (!value.contains("$ref"))
        return value;
    auto const ref = value.at("$ref").get<std::string>();
    REQUIRE(ref.starts_with("#/"));
    return document().at(json::json_pointer{ref.substr(1)});
}

// The components folder a $ref must point into, from the nearest key that tells.
std::string expected_kind(std::vector<std::string> const& keys)
{
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
        auto const& key = *it;
        if (key == "parameters" || key == "responses" || key == "headers")
            return key;
        if (key == "schema" || key == "schemas" || key == "items" || key == "allOf" ||
            key == "oneOf" || key == "anyOf" || key == "additionalProperties" || key == "not")
            return "schemas";
    }
    return "";
}

void collect_refs(json const& value, std::vector<std::string>& keys,
                  std::vector<std::pair<std::string, std::string>>& refs)
{
    if (value.is_object()) {
        for (auto const& [key, child] : value.items()) {
            if (key == "$ref" && child.is_string()) {
                refs.emplace_back(child.get<std::string>(), expected_kind(keys));
                continue;
            }
            // Examples are data, not schema: a "$ref" key in one would be a literal.
            if (key == "example" || key == "examples")
                continue;
            keys.push_back(key);
            collect_refs(child, keys, refs);
            keys.pop_back();
        }
    } else if (value.is_array()) {
        for (auto const& child : value)
            collect_refs(child, keys, refs);
    }
}

// "/api/users/{id}" and "/api/users/:id" both become "/api/users/{}".
std::string shape(std::string_view path)
{
    std::string out;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '{' || (path[i] == ':' && (i == 0 || path[i - 1] == '/'))) {
            out += "{}";
            while (i < path.size() && path[i] != '/')
                ++i;
        } else {
            out += path[i++];
        }
    }
    return out;
}

// A concrete path for a documented template: every parameter a UUID (valid for all of them).
std::string concrete(std::string_view path)
{
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '{') {
            out += "550e8400-e29b-41d4-a716-446655440000";
            i = path.find('}', i);
        } else {
            out += path[i];
        }
    }
    return out;
}

std::string upper(std::string text)
{
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::vector<json> parameters_of(Operation const& op)
{
    std::vector<json> params;
    auto const& item = document().at("paths").at(op.path);
    for (auto const* holder : {&item, op.op})
        if (holder->contains("parameters"))
            for (auto const& p : holder->at("parameters"))
                params.push_back(resolve(p));
    return params;
}

// The routes App::serve adds to every service's table.
constexpr char const* kChassisRoutes[] = {"/health/live", "/health/ready", "/metrics"};

// Swagger UI's own files: part of the page, not of the API.
constexpr char const* kUndocumentedRoutes[] = {"/api/docs/:asset",
                                               "/api/docs/swagger-initializer.js"};

// The route table as main() builds it.
struct GatewayRoutes {
    Config config = Config::from_env(shop::config::Env{{}});
    Gateway gateway{config};
    EventViewConfig events_config;
    EventLog events{events_config.limits};
    shop::http::Router routes;
    GatewayRoutes()
    {
        gateway.add_routes(routes);
        add_event_routes(routes, gateway.pipeline(), events, events_config, [] { return false; });
    }

    bool forwarded(std::string_view pattern) const
    {
        return std::ranges::any_of(config.upstreams, [pattern](auto const& upstream) {
            return pattern == upstream.prefix || pattern.starts_with(upstream.prefix + "/");
        });
    }
};

} // namespace

TEST_CASE("the OpenAPI document parses and is OpenAPI 3", "[openapi]")
{
    auto const& doc = document();
    REQUIRE(doc.is_object());
    auto const version = doc.at("openapi").get<std::string>();
    CHECK((version.starts_with("3.0.") || version.starts_with("3.1.")));
    CHECK(doc.at("info").at("title").get<std::string>() == "Shop API");
    CHECK_FALSE(doc.at("info").at("version").get<std::string>().empty());
    CHECK(doc.at("paths").size() >= 14);
}

TEST_CASE("every $ref of the OpenAPI document resolves to a component of its kind", "[openapi]")
{
    std::vector<std::string> keys;
    std::vector<std::pair<std::string, std::string>> refs;
    collect_refs(document(), keys, refs);
    REQUIRE(refs.size() > 50);
    for (auto const& [ref, kind] : refs) {
        INFO(ref);
        REQUIRE(ref.starts_with("#/components/"));
        json::json_pointer const pointer{ref.substr(1)};
        REQUIRE(document().contains(pointer));
        CHECK(document().at(pointer).is_object());
        CHECK(ref.starts_with("#/components/" + kind + "/"));
    }
    // And nothing in components goes unused.
    std::set<std::string> used;
    for (auto const& ref : refs)
        used.insert(ref.first);
    for (auto const& [kind, entries] : document().at("components").items())
        for (auto const& [name, entry] : entries.items()) {
            INFO(kind << "/" << name);
            CHECK(used.contains("#/components/" + kind + "/" + name));
        }
}

TEST_CASE("every route the gateway serves is documented, and every documented one is routed",
          "[openapi]")
{
    GatewayRoutes const gw;
    std::set<std::pair<std::string, std::string>> documented; // (shape, METHOD)
    for (auto const& op : operations()) {
        documented.emplace(shape(op.path), upper(op.method));
    }

    for (auto const& route : gw.routes.routes()) {
        auto const& pattern = route->pattern;
        if (gw.forwarded(pattern) ||
            std::ranges::find(kUndocumentedRoutes, pattern) != std::end(kUndocumentedRoutes))
            continue; // forwarded: the services' routes are checked below
        INFO(route->method << " " << pattern);
        CHECK(documented.contains({shape(pattern), std::string{to_string(route->method)}}));
    }
    for (auto const* path : kChassisRoutes) {
        INFO(path);
        CHECK(documented.contains({path, "GET"}));
    }

    for (auto const& op : operations()) {
        if (std::ranges::find(kChassisRoutes, op.path) != std::end(kChassisRoutes))
            continue;
        INFO(op.method << " " << op.path);
        auto const match = gw.routes.match(boost::beast::http::string_to_verb(upper(op.method)),
                                           concrete(op.path));
        CHECK(match.route != nullptr);
    }
}

TEST_CASE("the forwarded API of DESIGN section 4 is all there", "[openapi]")
{
    std::set<std::pair<std::string, std::string>> ops;
    for (auto const& op : operations())
        ops.emplace(op.path, op.method);
    for (auto const& expected : std::vector<std::pair<std::string, std::string>>{
             {"/api/users", "post"},
             {"/api/users", "get"},
             {"/api/users/{id}", "get"},
             {"/api/users/{id}", "put"},
             {"/api/users/{id}", "delete"},
             {"/api/orders", "post"},
             {"/api/orders", "get"},
             {"/api/orders/{id}", "get"},
             {"/api/payments", "get"},
             {"/api/payments/{id}", "get"},
             {"/api/events/{correlationId}", "get"},
             {"/api/events/stream", "get"},
             {"/health/live", "get"},
             {"/health/ready", "get"},
             {"/health/circuit/{name}", "get"},
             {"/metrics", "get"},
             {"/api/docs", "get"},
             {"/api/docs-json", "get"},
         }) {
        INFO(expected.second << " " << expected.first);
        CHECK(ops.contains(expected));
    }
}

TEST_CASE("every operation is named, tagged, summarised and answers", "[openapi]")
{
    std::set<std::string> tags;
    for (auto const& tag : document().at("tags"))
        tags.insert(tag.at("name").get<std::string>());
    std::set<std::string> ids;
    for (auto const& op : operations()) {
        INFO(op.method << " " << op.path);
        auto const& o = *op.op;
        auto const id = o.at("operationId").get<std::string>();
        CHECK(ids.insert(id).second);
        CHECK_FALSE(o.at("summary").get<std::string>().empty());
        REQUIRE(o.at("tags").size() == 1);
        CHECK(tags.contains(o.at("tags")[0].get<std::string>()));
        REQUIRE_FALSE(o.at("responses").empty());
        for (auto const& [status, response] : o.at("responses").items()) {
            INFO(status);
            auto const& r = resolve(response);
            CHECK(r.contains("description"));
            auto const code = std::stoi(status);
            // Errors in NestJS's shape; readiness answers its 503 in terminus's shape.
            if (code >= 400 && r.contains("content") && op.path != "/health/ready") {
                auto const& schema = r.at("content").at("application/json").at("schema");
                CHECK(schema.at("$ref") == "#/components/schemas/Error");
            }
        }
    }
}

TEST_CASE("path parameters match their templates", "[openapi]")
{
    for (auto const& op : operations()) {
        INFO(op.method << " " << op.path);
        std::set<std::string> in_template;
        for (std::size_t open = op.path.find('{'); open != std::string::npos;
             open = op.path.find('{', open + 1))
            in_template.insert(op.path.substr(open + 1, op.path.find('}', open) - open - 1));
        std::set<std::string> declared;
        for (auto const& p : parameters_of(op))
            if (p.at("in") == "path") {
                CHECK(p.at("required") == true);
                declared.insert(p.at("name").get<std::string>());
            }
        CHECK(declared == in_template);
    }
}

TEST_CASE("the API's operations document errors, limits and request ids", "[openapi]")
{
    for (auto const& op : operations()) {
        if (!op.path.starts_with("/api/"))
            continue;
        INFO(op.method << " " << op.path);
        auto const& responses = op.op->at("responses");
        CHECK(responses.contains("429")); // the rate limit covers /api
        bool has_request_id = false;
        for (auto const& p : parameters_of(op))
            has_request_id = has_request_id || p.at("name") == "X-Request-Id";
        CHECK(has_request_id);
        for (auto const& [status, response] : responses.items()) {
            INFO(status);
            CHECK(resolve(response).at("headers").contains("X-Request-Id"));
        }
        bool const forwarded =
            !op.path.starts_with("/api/events") && !op.path.starts_with("/api/docs");
        if (forwarded)
            for (auto const* status : {"502", "503", "504"})
                CHECK(responses.contains(status));
        if (op.op->contains("requestBody")) {
            CHECK(responses.contains("400"));
            CHECK(responses.contains("413"));
        }
        if (forwarded && op.path.ends_with("}"))
            CHECK(responses.contains("404"));
        if (op.method == "get" && forwarded && !op.path.ends_with("}"))
            CHECK(resolve(responses.at("200")).at("headers").contains("X-Total-Count"));
    }
    auto const& create_order = document().at("paths").at("/api/orders").at("post");
    auto const params = parameters_of({"/api/orders", "post", &create_order});
    CHECK(std::ranges::any_of(params, [](json const& p) {
        return p.at("name") == "Idempotency-Key" && p.at("in") == "header";
    }));
    auto const& too_many = document().at("components").at("responses").at("TooManyRequests");
    CHECK(too_many.at("headers").contains("Retry-After"));
    CHECK(too_many.at("headers").contains("RateLimit-Remaining"));
}

TEST_CASE("the documented rules are DESIGN section 4's validation rules", "[openapi]")
{
    auto const& schemas = document().at("components").at("schemas");

    auto const& user = schemas.at("CreateUserDto");
    CHECK(user.at("additionalProperties") == false);
    CHECK(user.at("required") == json{"email", "name", "password"});
    auto const& email = user.at("properties").at("email");
    CHECK(email.at("format") == "email");
    CHECK(email.at("maxLength") == 255);
    auto const& name = user.at("properties").at("name");
    CHECK(name.at("minLength") == 1);
    CHECK(name.at("maxLength") == 100);
    auto const& password = user.at("properties").at("password");
    CHECK(password.at("minLength") == 8);
    CHECK(password.at("maxLength") == 128);
    CHECK(password.at("writeOnly") == true);
    CHECK_FALSE(password.at("pattern").get<std::string>().empty());
    CHECK(schemas.at("UpdateUserDto").at("additionalProperties") == false);
    CHECK_FALSE(schemas.at("User").at("properties").contains("password"));

    auto const& order = schemas.at("CreateOrderDto");
    CHECK(order.at("additionalProperties") == false);
    CHECK(order.at("properties").at("userId").at("format") == "uuid");
    CHECK(order.at("properties").at("items").at("minItems") == 1);
    CHECK(order.at("properties").at("items").at("maxItems") == 100);
    auto const& item = schemas.at("OrderItem");
    CHECK(item.at("additionalProperties") == false);
    CHECK(item.at("properties").at("productId").at("pattern") == "^product-[A-Za-z0-9-]+$");
    auto const& quantity = item.at("properties").at("quantity");
    CHECK(quantity.at("type") == "integer");
    CHECK(quantity.at("minimum") == 1);
    CHECK(quantity.at("maximum") == 9999);
    auto const& price = item.at("properties").at("price");
    CHECK(price.at("minimum") == 0.01);
    CHECK(price.at("maximum") == 999999.99);
    CHECK(price.at("multipleOf") == 0.01);

    auto const& parameters = document().at("components").at("parameters");
    for (auto const* limit : {"UserLimit", "ListLimit"}) {
        CHECK(parameters.at(limit).at("schema").at("minimum") == 1);
        CHECK(parameters.at(limit).at("schema").at("maximum") == 100);
    }
    CHECK(parameters.at("Offset").at("schema").at("minimum") == 0);
    for (auto const* id : {"UserId", "OrderId", "PaymentId"})
        CHECK(parameters.at(id).at("schema").at("format") == "uuid");
    CHECK(parameters.at("Wait").at("schema").at("minimum") == 0);
    CHECK(parameters.at("Wait").at("schema").at("maximum") == 30);

    auto const& status = schemas.at("Order").at("properties").at("status").at("enum");
    CHECK(status == json{"pending", "paid", "payment_failed", "cancelled"});
    auto const& error = schemas.at("Error");
    CHECK(error.at("required") == json{"statusCode", "message", "error"});
}

TEST_CASE("the documented examples are the seed's", "[openapi]")
{
    auto const& create_user = document()
                                  .at("paths")
                                  .at("/api/users")
                                  .at("post")
                                  .at("requestBody")
                                  .at("content")
                                  .at("application/json");
    CHECK(create_user.at("example").at("email") == "john.doe@example.com");
    CHECK(create_user.at("example").at("password") == "SecurePass123!");
    auto const& user = document().at("components").at("schemas").at("User").at("example");
    for (auto const* field : {"id", "email", "name", "role", "createdAt", "updatedAt"})
        CHECK(user.contains(field));
}
