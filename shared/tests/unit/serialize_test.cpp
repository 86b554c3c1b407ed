#include <shop/http/serialize.hpp>

#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <utility>
#include <vector>

using namespace shop::http;

namespace {

// The head without its Date line, which changes every second.
std::string without_date(std::string head)
{
    return std::regex_replace(head, std::regex{"Date: [^\r]*\r\n"}, "");
}

} // namespace

TEST_CASE("a JSON response head carries length, type and request id", "[serialize]")
{
    std::string head;
    serialize_head(head, Response::json(Status::ok, std::string{R"({"a":1})"}), {"req-9"});
    CHECK(without_date(head) == "HTTP/1.1 200 OK\r\n"
                                "Content-Type: application/json; charset=utf-8\r\n"
                                "Content-Length: 7\r\n"
                                "X-Request-Id: req-9\r\n"
                                "\r\n");
    CHECK(std::regex_search(head, std::regex{"Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} "
                                             "\\d{2}:\\d{2}:\\d{2} GMT\r\n"}));
}

TEST_CASE("connection headers follow keep-alive and the HTTP version", "[serialize]")
{
    std::string head;
    auto const response = Response::text(Status::ok, "ok");
    serialize_head(head, response, {"r", false, false});
    CHECK(head.find("Connection: close\r\n") != std::string::npos);
    serialize_head(head, response, {"r", true, true});
    CHECK(head.find("Connection: keep-alive\r\n") != std::string::npos);
    serialize_head(head, response, {"r", true, false});
    CHECK(head.find("Connection:") == std::string::npos);
}

TEST_CASE("extra headers cannot smuggle new lines", "[serialize]")
{
    std::string head;
    auto response = Response::text(Status::ok, "");
    response.header("Allow", "GET\r\nSet-Cookie: x=1");
    serialize_head(head, response, {"r"});
    CHECK(head.find("Allow: GET  Set-Cookie: x=1\r\n") != std::string::npos);
    CHECK(head.find("\r\nSet-Cookie") == std::string::npos);
}

TEST_CASE("a 204 has no content headers", "[serialize]")
{
    std::string head;
    serialize_head(head, Response::text(Status::no_content, "stray body"), {"r"});
    CHECK(head.find("Content-Length") == std::string::npos);
    CHECK(head.rfind("HTTP/1.1 204 No Content\r\n", 0) == 0);
}

TEST_CASE("a handler cannot frame the message itself", "[serialize]")
{
    std::string head;
    auto response = Response::text(Status::ok, "abc");
    response.header("content-length", "999").header("Transfer-Encoding", "chunked");
    response.header("Connection", "upgrade").header("X-Kept", "yes");
    serialize_head(head, response, {"r"});
    CHECK(head.find("Content-Length: 3\r\n") != std::string::npos);
    CHECK(head.find("999") == std::string::npos);
    CHECK(head.find("chunked") == std::string::npos);
    CHECK(head.find("upgrade") == std::string::npos);
    CHECK(head.find("X-Kept: yes\r\n") != std::string::npos);
}

TEST_CASE("default headers fill in what the response does not set itself", "[serialize]")
{
    DefaultHeaders const defaults{
        {{"X-Frame-Options", "DENY"}, {"Referrer-Policy", "no-referrer"}}};
    std::string head;
    SECTION("a response that sets none of them gets them all, in order")
    {
        auto response = Response::text(Status::ok, "ok");
        response.header("X-Kept", "yes");
        serialize_head(head, response, {"r", true, false, &defaults});
        CHECK(head.ends_with("X-Kept: yes\r\nX-Frame-Options: DENY\r\n"
                             "Referrer-Policy: no-referrer\r\n\r\n"));
    }
    SECTION("one the response sets, in any case, is the response's alone")
    {
        auto response = Response::text(Status::ok, "ok");
        response.header("x-frame-options", "SAMEORIGIN");
        serialize_head(head, response, {"r", true, false, &defaults});
        CHECK(head.find("x-frame-options: SAMEORIGIN\r\n") != std::string::npos);
        CHECK(head.find("DENY") == std::string::npos);
        CHECK(head.find("Referrer-Policy: no-referrer\r\n") != std::string::npos);
        CHECK(head.ends_with("\r\n\r\n"));
    }
}

TEST_CASE("a default header cannot add a header line of its own", "[serialize]")
{
    DefaultHeaders const defaults{{{"X-Note", "a\r\nSet-Cookie: x=1"}}};
    std::string head;
    serialize_head(head, Response::text(Status::ok, "ok"), {"r", true, false, &defaults});
    CHECK(head.find("\r\nSet-Cookie") == std::string::npos);
    CHECK(head.ends_with("X-Note: a  Set-Cookie: x=1\r\n\r\n"));
}

TEST_CASE("a head of many long headers is written whole, and a reused buffer holds only the "
          "next head",
          "[serialize]")
{
    auto big = Response::text(Status::ok, "ok");
    std::string expected = "HTTP/1.1 200 OK\r\n"
                           "Content-Type: text/plain; charset=utf-8\r\n"
                           "Content-Length: 2\r\n"
                           "X-Request-Id: r\r\n";
    for (int i = 0; i < 40; ++i) {
        auto name = "X-Header-" + std::to_string(i);
        std::string value(200, static_cast<char>('a' + i % 26));
        expected += name + ": " + value + "\r\n";
        big.header(std::move(name), std::move(value));
    }
    expected += "\r\n";
    std::string head;
    serialize_head(head, big, {"r"});
    CHECK(without_date(head) == expected);

    serialize_head(head, Response{Status::no_content, {}, content_type::kText, {}}, {"r"});
    CHECK(without_date(head) == "HTTP/1.1 204 No Content\r\nX-Request-Id: r\r\n\r\n");
}
