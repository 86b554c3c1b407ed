#include <shop/http/error.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace shop::http;
using nlohmann::json;

TEST_CASE("an error renders in NestJS's shape with the request id", "[error]")
{
    auto const body = json::parse(error_body(Error{Status::not_found, "User not found"}, "req-1"));
    CHECK(body == json{{"statusCode", 404},
                       {"message", "User not found"},
                       {"error", "Not Found"},
                       {"requestId", "req-1"}});
}

TEST_CASE("validation errors keep every message in an array", "[error]")
{
    Error const e{Status::bad_request,
                  std::vector<std::string>{"email must be an email", "name should not be empty"}};
    auto const body = json::parse(error_body(e, "r"));
    CHECK(body["message"] == json::array({"email must be an email", "name should not be empty"}));
    CHECK(body["error"] == "Bad Request");
    CHECK(body["statusCode"] == 400);
}

TEST_CASE("reason phrases follow NestJS's names", "[error]")
{
    CHECK(reason(Status::payload_too_large) == "Payload Too Large");
    CHECK(reason(Status::request_header_fields_too_large) == "Request Header Fields Too Large");
    CHECK(reason(Status::conflict) == "Conflict");
    CHECK(reason(Status::service_unavailable) == "Service Unavailable");
}

TEST_CASE("exceptions map to HTTP errors without leaking their cause", "[error]")
{
    auto const from = [](auto&& thrower) {
        try {
            thrower();
        } catch (...) {
            return to_http_error(std::current_exception());
        }
        FAIL("nothing thrown");
        return Error{Status::ok, ""};
    };
    auto const http = from([] { throw Error{Status::conflict, "Email already exists"}; });
    CHECK(http.status() == Status::conflict);
    CHECK(http.messages().front() == "Email already exists");

    auto const bad_json = from([] { [[maybe_unused]] auto const j = json::parse("{oops"); });
    CHECK(bad_json.status() == Status::bad_request);

    auto const internal = from([] { throw std::runtime_error{"SELECT * FROM secrets failed"}; });
    CHECK(internal.status() == Status::internal_server_error);
    CHECK(internal.messages().front() == "Internal server error");

    auto const odd = from([] { throw 42; });
    CHECK(odd.status() == Status::internal_server_error);
}

TEST_CASE("error bodies keep NestJS's key order", "[error]")
{
    CHECK(
        error_body(Error{Status::conflict, "Email already exists"}, "r1") ==
        R"({"statusCode":409,"message":"Email already exists","error":"Conflict","requestId":"r1"})");
}

TEST_CASE("error bodies stay valid JSON whatever the message holds", "[error]")
{
    auto const text = error_body(Error{Status::bad_request, "bad \"quote\" \\ \n \xff"}, "id");
    auto const body = json::parse(text);
    CHECK(body["statusCode"] == 400);
}
