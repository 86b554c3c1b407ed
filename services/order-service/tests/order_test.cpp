// Order rules that need no database: exact totals and the welcome order.
#include "order/order.hpp"
#include "order/order_json.hpp"

#include <catch2/catch.hpp>

using namespace shop;
using order::Money;

TEST_CASE("an order total is the exact sum of price times quantity", "[order]")
{
    std::vector<events::OrderItem> const items{{"product-demo-123", 3, Money::from_cents(1999)}};
    CHECK(order::total_of(items) == Money::from_cents(5997));
    CHECK(order::total_of(items).to_string() == "59.97");
}

TEST_CASE("ten items of 0.10 cost exactly 1.00 where doubles would drift", "[order]")
{
    std::vector<events::OrderItem> items;
    for (int i = 0; i < 10; ++i)
        items.push_back({"product-dime", 1, Money::from_cents(10)});
    CHECK(order::total_of(items) == Money::from_cents(100));
}

TEST_CASE("the largest order total stays exact", "[order]")
{
    std::vector<events::OrderItem> const items(
        100, {"product-max", 9999, Money::from_cents(99'999'999)});
    CHECK(order::total_of(items).cents() == 100LL * 9999 * 99'999'999);
}

TEST_CASE("a welcome order is one pending welcome kit with a positive price", "[order]")
{
    auto const o =
        order::make_welcome_order("0b6f4e2a-8c1d-4f3e-9a7b-2c5d6e7f8a90", events::Clock::now());
    CHECK(o.kind == events::OrderKind::welcome);
    CHECK(o.status == "pending");
    REQUIRE(o.items.size() == 1);
    CHECK(o.items[0].product_id == order::kWelcomeProduct);
    CHECK(o.items[0].quantity == 1);
    CHECK(o.total_amount > Money{});
    CHECK(o.id.size() == 36);
}

TEST_CASE("an order is shown with its amounts as numbers and no payment yet", "[order][json]")
{
    auto const o = order::make_order("0b6f4e2a-8c1d-4f3e-9a7b-2c5d6e7f8a90",
                                     {{"product-123", 2, Money::from_cents(2999)}},
                                     events::OrderKind::standard, events::Clock::now());
    auto const json = nlohmann::json::parse(order::to_json(o).dump());
    CHECK(json["totalAmount"].get<double>() == 59.98);
    CHECK(json["items"][0]["price"].get<double>() == 29.99);
    CHECK(json["currency"] == "USD");
    CHECK(json["kind"] == "standard");
    CHECK(json["status"] == "pending");
    CHECK(json["payment"].is_null());
    CHECK(json["createdAt"] == json["updatedAt"]);
}

TEST_CASE("the order.created event carries the order's total and kind", "[order][events]")
{
    auto const o =
        order::make_welcome_order("0b6f4e2a-8c1d-4f3e-9a7b-2c5d6e7f8a90", events::Clock::now());
    auto const data = order::created_event(o).to_data();
    auto const back = events::OrderCreated::from_data(data);
    CHECK(back.order_id == o.id);
    CHECK(back.total_amount == o.total_amount);
    CHECK(back.kind == events::OrderKind::welcome);
}

TEST_CASE("ids compare in the lower case PostgreSQL prints", "[order]")
{
    CHECK(order::canonical_id("0B6F4E2A-8C1D-4F3E-9A7B-2C5D6E7F8A90") ==
          "0b6f4e2a-8c1d-4f3e-9a7b-2c5d6e7f8a90");
}
