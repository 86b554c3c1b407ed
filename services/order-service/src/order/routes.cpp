#include "order/routes.hpp"

#include "order/order_json.hpp"
#include "order/store.hpp"
#include "order/validation.hpp"

#include <shop/outbox/outbox.hpp>
#include <shop/validation/paging.hpp>
#include <shop/validation/validator.hpp>

namespace shop::order {
namespace {

constexpr std::size_t kMaxIdempotencyKey = 255;

[[noreturn]] void user_not_found(std::string const& user_id)
{
    throw http::Error{http::Status::not_found, "User with ID " + user_id + " not found"};
}

// A user this service has not heard of may have been created a moment ago (its event is
// still on the way): the user-service is asked, so a 201 there is never a 404 here.
awaitable<store::User> confirm_unknown_user(Deps& d, std::string const& user_id,
                                            std::string const& request_id)
{
    auto const lookup = co_await d.blocking.run([&] { return d.users.find(user_id, request_id); });
    if (auto const* found = std::get_if<UserFound>(&lookup))
        co_return found->user;
    if (std::holds_alternative<UserNotFound>(lookup))
        user_not_found(user_id);
    log::Line{log::Level::warn, {request_id}}
        .field("userId", user_id)
        .field("reason", std::get<UserServiceDown>(lookup).why)
        .emit("user-service unreachable");
    throw http::Error{http::Status::service_unavailable, "User service unavailable"};
}

// The Idempotency-Key header: "" when absent.
std::string idempotency_key(http::Request const& req)
{
    std::string key{req.header("Idempotency-Key")};
    if (key.size() > kMaxIdempotencyKey)
        throw http::Error{http::Status::bad_request,
                          std::vector<std::string>{"Idempotency-Key must be shorter than or "
                                                   "equal to 255 characters"}};
    return key;
}

// The first response to a repeated Idempotency-Key; 422 when the key came with another body.
http::Response replay(store::KeptResponse const& kept, std::string const& request)
{
    if (kept.request != request)
        throw http::Error{http::Status::unprocessable_entity,
                          "Idempotency-Key has already been used with a different request body"};
    auto response = http::Response::json(static_cast<http::Status>(kept.status), kept.body);
    response.header("Idempotent-Replayed", "true");
    return response;
}

enum class Outcome { created, user_gone, replay };

// POST /api/orders -> 201. The order and its order.created commit together (outbox); with an
// Idempotency-Key, so does the response a repeat of the request gets.
awaitable<http::Response> create_order(http::Request& req, Deps& d)
{
    auto const body = req.json();
    auto cmd = parse_new_order(body);
    cmd.user_id = canonical_id(std::move(cmd.user_id));
    auto const key = idempotency_key(req);
    auto const request = body.dump(); // canonical: object keys sorted
    auto const find_kept = [&](pqxx::nontransaction& tx) {
        return store::find_kept_response(tx, key);
    };
    if (!key.empty())
        if (auto const kept = co_await d.db.read(find_kept))
            co_return replay(*kept, request);

    auto const state = co_await d.db.read(
        [&](pqxx::nontransaction& tx) { return store::user_state(tx, cmd.user_id); });
    if (state == store::UserState::deleted)
        user_not_found(cmd.user_id);
    std::optional<store::User> fetched;
    if (state == store::UserState::unknown)
        fetched = co_await confirm_unknown_user(d, cmd.user_id, req.request_id());

    auto order =
        make_order(cmd.user_id, std::move(cmd.items), OrderKind::standard, events::Clock::now());
    auto const response_body = to_json(order).dump();
    auto const outcome = co_await d.db.run([&](pqxx::work& tx) {
        if (fetched)
            store::upsert_user(tx, *fetched);
        if (!store::lock_active_user(tx, order.user_id))
            return Outcome::user_gone;
        if (!key.empty() && !store::keep_response(tx, key, {request, 201, response_body}))
            return Outcome::replay;     // the same key won a race; this order rolls back
        store::insert_order(tx, order); // a fresh id: nothing to conflict with
        outbox::append(tx, events::envelope_for(created_event(order), kService, req.request_id()),
                       order.id);
        tx.commit();
        return Outcome::created;
    });
    if (outcome == Outcome::user_gone)
        user_not_found(order.user_id);
    if (outcome == Outcome::replay)
        co_return replay((co_await d.db.read(find_kept)).value(), request);
    d.relay.wake();
    d.orders_created.with({"standard"}).inc();
    co_return http::Response::json(http::Status::created, response_body);
}

// GET /api/orders?userId=&limit=&offset= -> the page, X-Total-Count the whole count.
awaitable<http::Response> list_orders(http::Request& req, Deps& d)
{
    auto const page = validation::parse_page(req, 50);
    auto const user_id = canonical_id(req.query("userId").value_or(""));
    if (!user_id.empty() && !validation::is_uuid(user_id))
        throw http::Error{http::Status::bad_request,
                          std::vector<std::string>{"userId must be a UUID"}};
    auto const list =
        co_await d.db.run([&](pqxx::work& tx) { return store::list_orders(tx, user_id, page); });
    auto body = nlohmann::ordered_json::array();
    for (auto const& order : list.orders)
        body.push_back(to_json(order));
    auto response = http::Response::json(http::Status::ok, body.dump());
    response.header("X-Total-Count", std::to_string(list.total));
    co_return response;
}

// GET /api/orders/:id -> the order with its status and payment.
awaitable<http::Response> get_order(http::Request& req, Deps& d)
{
    auto const id = canonical_id(req.param("id"));
    if (!validation::is_uuid(id))
        throw http::Error{http::Status::bad_request, "Validation failed (uuid is expected)"};
    auto const order =
        co_await d.db.read([&](pqxx::nontransaction& tx) { return store::find_order(tx, id); });
    if (!order)
        throw http::Error{http::Status::not_found, "Order with ID " + id + " not found"};
    co_return http::Response::json(http::Status::ok, to_json(*order).dump());
}

} // namespace

void add_routes(http::Router& routes, Deps& deps)
{
    routes.post("/api/orders", [&deps](http::Request& req) { return create_order(req, deps); })
        .get("/api/orders", [&deps](http::Request& req) { return list_orders(req, deps); })
        .get("/api/orders/:id", [&deps](http::Request& req) { return get_order(req, deps); });
}

} // namespace shop::order
