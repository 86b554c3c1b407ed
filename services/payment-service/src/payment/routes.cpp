#include "payment/routes.hpp"

#include "payment/payment_json.hpp"
#include "payment/store.hpp"

#include <shop/validation/paging.hpp>
#include <shop/validation/validator.hpp>

#include <algorithm>
#include <cctype>

namespace shop::payment {
namespace {

std::string lower(std::string text)
{
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// GET /api/payments?orderId=&limit=&offset= -> the page, X-Total-Count the whole count.
awaitable<http::Response> list_payments(http::Request& req, Deps& d)
{
    auto const page = validation::parse_page(req, 50);
    auto const order_id = lower(req.query("orderId").value_or(""));
    if (!order_id.empty() && !validation::is_uuid(order_id))
        throw http::Error{http::Status::bad_request,
                          std::vector<std::string>{"orderId must be a UUID"}};
    auto const list =
        co_await d.db.run([&](pqxx::work& tx) { return store::list_payments(tx, order_id, page); });
    auto body = nlohmann::ordered_json::array();
    for (auto const& payment : list.payments)
        body.push_back(to_json(payment));
    auto response = http::Response::json(http::Status::ok, body.dump());
    response.header("X-Total-Count", std::to_string(list.total));
    co_return response;
}

// GET /api/payments/:id
awaitable<http::Response> get_payment(http::Request& req, Deps& d)
{
    auto const id = lower(req.param("id"));
    if (!validation::is_uuid(id))
        throw http::Error{http::Status::bad_request, "Validation failed (uuid is expected)"};
    auto const payment =
        co_await d.db.read([&](pqxx::nontransaction& tx) { return store::find_payment(tx, id); });
    if (!payment)
        throw http::Error{http::Status::not_found, "Payment with ID " + id + " not found"};
    co_return http::Response::json(http::Status::ok, to_json(*payment).dump());
}

} // namespace

void add_routes(http::Router& routes, Deps& deps)
{
    routes.get("/api/payments", [&deps](http::Request& req) { return list_payments(req, deps); })
        .get("/api/payments/:id", [&deps](http::Request& req) { return get_payment(req, deps); });
}

} // namespace shop::payment
