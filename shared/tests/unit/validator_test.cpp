#include <shop/http/error.hpp>
#include <shop/validation/validator.hpp>

#include <catch2/catch.hpp>

using namespace shop::validation;
using nlohmann::json;

namespace {

// The messages a 400 would carry, or none.
std::vector<std::string> messages_of(Validator const& v)
{
    try {
        v.done();
    } catch (shop::http::Error const& e) {
        CHECK(e.status() == shop::http::Status::bad_request);
        CHECK(e.is_list());
        return e.messages();
    }
    return {};
}

bool password_rule(std::string_view p)
{
    bool lower = false, upper = false, digit = false;
    for (char const c : p) {
        lower = lower || std::islower(static_cast<unsigned char>(c));
        upper = upper || std::isupper(static_cast<unsigned char>(c));
        digit = digit || std::isdigit(static_cast<unsigned char>(c));
    }
    return lower && upper && digit;
}

} // namespace

TEST_CASE("a valid body passes and yields its values", "[validation]")
{
    Validator v{
        json{{"email", "john.doe@example.com"}, {"name", "John"}, {"password", "SecurePass123!"}}};
    auto const email = v.string("email").not_empty().max_length(255).email().value();
    auto const name = v.string("name").min_length(1).max_length(100).value();
    v.only({"email", "name", "password"});
    CHECK(messages_of(v).empty());
    CHECK(email == "john.doe@example.com");
    CHECK(name == "John");
}

TEST_CASE("every broken rule is reported with class-validator's wording", "[validation]")
{
    Validator v{
        json{{"email", "not-an-email"}, {"name", ""}, {"password", "short"}, {"role", "admin"}}};
    v.string("email").max_length(255).email();
    v.string("name").not_empty().min_length(1).max_length(100);
    v.string("password")
        .min_length(8)
        .max_length(128)
        .matches(password_rule,
                 "must contain a lower case letter, an upper case letter and a digit");
    v.only({"email", "name", "password"});
    CHECK(messages_of(v) ==
          std::vector<std::string>{"email must be an email", "name should not be empty",
                                   "password must be longer than or equal to 8 characters",
                                   "property role should not exist"});
}

TEST_CASE("missing, null and mistyped properties are told apart", "[validation]")
{
    Validator v{json{{"name", nullptr}, {"password", 12345678}}};
    v.string("email").email();
    v.string("name");
    v.string("password");
    v.string("nickname", true); // optional and absent: fine
    CHECK(messages_of(v) == std::vector<std::string>{"email should not be empty",
                                                     "name should not be empty",
                                                     "password must be a string"});
}

TEST_CASE("lengths count characters not bytes", "[validation]")
{
    Validator v{json{{"name", "\xc3\xa9\xc3\xa9"}}}; // "éé": 2 characters, 4 bytes
    v.string("name").max_length(2).min_length(2);
    CHECK(messages_of(v).empty());
}

TEST_CASE("a body that is not an object fails once", "[validation]")
{
    Validator v{json::array({1, 2})};
    v.string("email").email();
    CHECK(v.integer("quantity", 1, 9999) == std::nullopt);
    CHECK(messages_of(v) == std::vector<std::string>{"request body must be a JSON object"});
}

TEST_CASE("integers and amounts keep their bounds", "[validation]")
{
    Validator v{json{{"a", 0},
                     {"b", 10000},
                     {"c", 1.5},
                     {"d", 5},
                     {"p", 29.999},
                     {"q", 0.0},
                     {"r", 1000000},
                     {"s", 29.99},
                     {"t", "29.99"}}};
    CHECK_FALSE(v.integer("a", 1, 9999));
    CHECK_FALSE(v.integer("b", 1, 9999));
    CHECK_FALSE(v.integer("c", 1, 9999));
    CHECK(v.integer("d", 1, 9999) == 5);
    CHECK_FALSE(v.amount("p", 1, 99999999));
    CHECK_FALSE(v.amount("q", 1, 99999999));
    CHECK_FALSE(v.amount("r", 1, 99999999));
    CHECK(v.amount("s", 1, 99999999) == 2999);
    CHECK_FALSE(v.amount("t", 1, 99999999));
    CHECK(messages_of(v) ==
          std::vector<std::string>{"a must not be less than 1", "b must not be greater than 9999",
                                   "c must be an integer number",
                                   "p must be a number conforming to the specified constraints",
                                   "q must not be less than 0.01",
                                   "r must not be greater than 999999.99",
                                   "t must be a number conforming to the specified constraints"});
}

TEST_CASE("nested elements report their path", "[validation]")
{
    json const body{{"items", json::array({json{{"productId", "product-1"}, {"quantity", 0}}})}};
    Validator v{body};
    auto const* items = v.array("items", 1, 100);
    REQUIRE(items);
    auto item = v.nested(items->at(0), "items.0");
    item.integer("quantity", 1, 9999);
    item.only({"productId", "quantity"});
    CHECK(messages_of(v) == std::vector<std::string>{"items.0.quantity must not be less than 1"});

    Validator empty{json{{"items", json::array()}}};
    empty.array("items", 1, 100);
    CHECK(messages_of(empty) == std::vector<std::string>{"items must contain at least 1 elements"});
}

TEST_CASE("emails and UUIDs are recognised", "[validation]")
{
    for (auto const* good : {"a@b.co", "john.doe+tag@example.com", "x_y@sub.domain.org"})
        CHECK(is_email(good));
    for (auto const* bad : {"", "plain", "@example.com", "a@", "a@b", "a@b.c", "a b@c.de",
                            "a..b@c.de", ".a@c.de", "a@-b.de", "a@b..de", "a@b.d3"})
        CHECK_FALSE(is_email(bad));
    CHECK(is_uuid("550e8400-e29b-41d4-a716-446655440000"));
    CHECK_FALSE(is_uuid("550e8400e29b41d4a716446655440000"));
    CHECK_FALSE(is_uuid("550e8400-e29b-41d4-a716-44665544000g"));
}
