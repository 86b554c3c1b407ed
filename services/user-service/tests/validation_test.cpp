// The request rules of seed 002 with class-validator's exact messages.
#include "user/validation.hpp"

#include <shop/http/error.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace shop::user;
using nlohmann::json;
using Messages = std::vector<std::string>;

namespace {

json valid_body()
{
    return {
        {"email", "john.doe@example.com"}, {"name", "John Doe"}, {"password", "SecurePass123!"}};
}

template <class F>
shop::http::Error error_of(F&& parse)
{
    try {
        parse();
    } catch (shop::http::Error const& e) {
        return e;
    }
    FAIL("no error was thrown");
    throw std::logic_error{"unreachable"};
}

Messages create_messages(json const& body)
{
    auto const e = error_of([&] { parse_new_user(body); });
    CHECK(e.status() == shop::http::Status::bad_request);
    CHECK(e.is_list());
    return e.messages();
}

Messages create_messages_with(std::string const& key, json value)
{
    auto body = valid_body();
    body[key] = std::move(value);
    return create_messages(body);
}

Messages update_messages(json const& body)
{
    auto const e = error_of([&] { parse_user_changes(body); });
    CHECK(e.status() == shop::http::Status::bad_request);
    return e.messages();
}

} // namespace

TEST_CASE("a valid registration yields its fields", "[unit][validation]")
{
    auto const user = parse_new_user(valid_body());
    CHECK(user.email == "john.doe@example.com");
    CHECK(user.name == "John Doe");
    CHECK(user.password == "SecurePass123!");
}

TEST_CASE("the email must be a valid address of at most 255 characters", "[unit][validation]")
{
    CHECK(create_messages_with("email", "not-an-email") == Messages{"email must be an email"});
    CHECK(create_messages_with("email", "") == Messages{"email should not be empty"});
    CHECK(create_messages_with("email", std::string(250, 'a') + "@example.com") ==
          Messages{"email must be shorter than or equal to 255 characters"});
    CHECK(create_messages_with("email", 42) == Messages{"email must be a string"});
}

TEST_CASE("the name must have 1 to 100 characters", "[unit][validation]")
{
    CHECK(create_messages_with("name", "") == Messages{"name should not be empty"});
    CHECK(create_messages_with("name", std::string(101, 'n')) ==
          Messages{"name must be shorter than or equal to 100 characters"});
    CHECK(parse_new_user(json{{"email", "a@example.com"},
                              {"name", std::string(100, 'n')},
                              {"password", "SecurePass123"}})
              .name.size() == 100);
}

TEST_CASE(
    "the password must have 8 to 128 characters with a lower an upper case letter and a digit",
    "[unit][validation]")
{
    std::string const rule =
        "password must contain a lower case letter, an upper case letter and a digit";
    CHECK(create_messages_with("password", "Sh0rt") ==
          Messages{"password must be longer than or equal to 8 characters"});
    CHECK(create_messages_with("password", "Aa1" + std::string(126, 'x')) ==
          Messages{"password must be shorter than or equal to 128 characters"});
    CHECK(create_messages_with("password", "alllower123") == Messages{rule});
    CHECK(create_messages_with("password", "ALLUPPER123") == Messages{rule});
    CHECK(create_messages_with("password", "NoDigitsHere") == Messages{rule});
    CHECK(is_strong_password("SecurePass123!"));
}

TEST_CASE("missing properties and unknown ones are all reported", "[unit][validation]")
{
    CHECK(create_messages(json{{"role", "admin"}}) ==
          Messages{"email should not be empty", "name should not be empty",
                   "password should not be empty", "property role should not exist"});
    CHECK(create_messages(json::array()) == Messages{"request body must be a JSON object"});
}

TEST_CASE("every broken rule of one body is collected", "[unit][validation]")
{
    CHECK(create_messages(json{{"email", "x"}, {"name", ""}, {"password", "weakpassword"}}) ==
          Messages{"email must be an email", "name should not be empty",
                   "password must contain a lower case letter, an upper case letter and a digit"});
}

TEST_CASE("an update takes any of the fields under the same rules", "[unit][validation]")
{
    auto const changes = parse_user_changes(json{{"name", "Jane"}});
    CHECK(changes.name == "Jane");
    CHECK_FALSE(changes.email);
    CHECK_FALSE(changes.password);
    CHECK(update_messages(json{{"email", "nope"}, {"password", "short"}}) ==
          Messages{"email must be an email",
                   "password must be longer than or equal to 8 characters"});
    CHECK(update_messages(json{{"role", "admin"}}) == Messages{"property role should not exist"});
}

TEST_CASE("an update without any field is refused", "[unit][validation]")
{
    CHECK(update_messages(json::object()) ==
          Messages{"at least one of email, name, password must be given"});
}

TEST_CASE("a malformed id is refused as ParseUUIDPipe does", "[unit][validation]")
{
    CHECK(parse_user_id("550e8400-e29b-41d4-a716-446655440000") ==
          "550e8400-e29b-41d4-a716-446655440000");
    auto const e = error_of([] { parse_user_id("not-a-uuid"); });
    CHECK(e.status() == shop::http::Status::bad_request);
    CHECK_FALSE(e.is_list());
    CHECK(e.messages() == Messages{"Validation failed (uuid is expected)"});
}
