// POST /api/orders body rules and their class-validator messages.
#include "order/validation.hpp"

#include <shop/http/error.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace shop;
using nlohmann::json;

namespace {

constexpr char const* kUser = "0b6f4e2a-8c1d-4f3e-9a7b-2c5d6e7f8a90";

json body_with_item(json item)
{
    return {{"userId", kUser}, {"items", json::array({std::move(item)})}};
}

json good_item()
{
    return {{"productId", "product-123"}, {"quantity", 2}, {"price", 29.99}};
}

// The messages of the 400 the body gets; empty when it is valid.
std::vector<std::string> messages(json const& body)
{
    try {
        order::parse_new_order(body);
        return {};
    } catch (http::Error const& e) {
        CHECK(e.status() == http::Status::bad_request);
        return e.messages();
    }
}

using Messages = std::vector<std::string>;

} // namespace

TEST_CASE("a valid order is parsed into exact cents", "[order][validation]")
{
    auto const o = order::parse_new_order(body_with_item(good_item()));
    CHECK(o.user_id == kUser);
    REQUIRE(o.items.size() == 1);
    CHECK(o.items[0].product_id == "product-123");
    CHECK(o.items[0].quantity == 2);
    CHECK(o.items[0].price.cents() == 2999);
}

TEST_CASE("product ids are product- then letters digits or hyphens", "[order][validation]")
{
    CHECK(order::is_product_id("product-123"));
    CHECK(order::is_product_id("product-abc-DEF"));
    CHECK_FALSE(order::is_product_id("product-"));
    CHECK_FALSE(order::is_product_id("product_123"));
    CHECK_FALSE(order::is_product_id("product-12 3"));
    CHECK_FALSE(order::is_product_id("Product-123"));
    CHECK_FALSE(order::is_product_id("product-ü"));
}

TEST_CASE("the user id must be a UUID", "[order][validation]")
{
    auto body = body_with_item(good_item());
    body["userId"] = "42";
    CHECK(messages(body) == Messages{"userId must be a UUID"});
    body.erase("userId");
    CHECK(messages(body) == Messages{"userId should not be empty"});
}

TEST_CASE("an order holds one to one hundred items", "[order][validation]")
{
    json body{{"userId", kUser}, {"items", json::array()}};
    CHECK(messages(body) == Messages{"items must contain at least 1 elements"});
    body["items"] = json::array();
    for (int i = 0; i < 101; ++i)
        body["items"].push_back(good_item());
    CHECK(messages(body) == Messages{"items must contain no more than 100 elements"});
    body["items"] = "many";
    CHECK(messages(body) == Messages{"items must be an array"});
}

TEST_CASE("a malformed product id is refused with the pattern", "[order][validation]")
{
    auto item = good_item();
    item["productId"] = "sku-1";
    CHECK(messages(body_with_item(item)) ==
          Messages{"items.0.productId must match /^product-[a-zA-Z0-9-]+$/ regular expression"});
}

TEST_CASE("quantity is an integer from 1 to 9999", "[order][validation]")
{
    auto item = good_item();
    item["quantity"] = 0;
    CHECK(messages(body_with_item(item)) == Messages{"items.0.quantity must not be less than 1"});
    item["quantity"] = 10000;
    CHECK(messages(body_with_item(item)) ==
          Messages{"items.0.quantity must not be greater than 9999"});
    item["quantity"] = 1.5;
    CHECK(messages(body_with_item(item)) == Messages{"items.0.quantity must be an integer number"});
}

TEST_CASE("price is 0.01 to 999999.99 with at most two decimals", "[order][validation]")
{
    auto item = good_item();
    item["price"] = 0;
    CHECK(messages(body_with_item(item)) == Messages{"items.0.price must not be less than 0.01"});
    item["price"] = 1000000;
    CHECK(messages(body_with_item(item)) ==
          Messages{"items.0.price must not be greater than 999999.99"});
    item["price"] = 1.999;
    CHECK(messages(body_with_item(item)) ==
          Messages{"items.0.price must be a number conforming to the specified constraints"});
    item["price"] = 999999.99;
    CHECK(messages(body_with_item(item)).empty());
}

TEST_CASE("unknown properties are refused also inside items", "[order][validation]")
{
    auto item = good_item();
    item["discount"] = 5;
    auto body = body_with_item(item);
    body["coupon"] = "FREE";
    CHECK(messages(body) == Messages{"property items.0.discount should not exist",
                                     "property coupon should not exist"});
}

TEST_CASE("every broken rule is reported at once", "[order][validation]")
{
    json const body{{"userId", "nope"},
                    {"items", json::array({{{"productId", "x"}, {"quantity", 0}, {"price", -1}}})}};
    CHECK(messages(body).size() == 4);
}
