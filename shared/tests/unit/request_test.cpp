#include <shop/http/request.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace shop::http;

namespace {

Request::Message get(std::string target)
{
    Request::Message message{boost::beast::http::verb::get, target, 11};
    message.set(boost::beast::http::field::host, "example.test");
    return message;
}

} // namespace

TEST_CASE("a request target splits into its path and its query", "[request]")
{
    Request const plain{get("/api/users/42?page=2&limit=10"), "r"};
    CHECK(plain.has_valid_target());
    CHECK(plain.path() == "/api/users/42");
    CHECK(plain.query_string() == "page=2&limit=10");

    Request const bare{get("/health"), "r"};
    CHECK(bare.path() == "/health");
    CHECK(bare.query_string().empty());

    // The absolute form a proxy may send: only the path and query count.
    Request const absolute{get("http://example.test/api/orders?status=paid"), "r"};
    CHECK(absolute.has_valid_target());
    CHECK(absolute.path() == "/api/orders");
    CHECK(absolute.query_string() == "status=paid");
    Request const host_only{get("https://example.test"), "r"};
    CHECK(host_only.path() == "/");
}

TEST_CASE("a target with a byte a path may not hold is invalid wherever the byte sits", "[request]")
{
    // Targets are checked eight bytes at a time, the last eight overlapping the word before:
    // every offset of targets around those sizes.
    using namespace std::string_literals;
    for (std::string const& bad : {" "s, "#"s, "\x7f"s, "\x80"s, "\xff"s, "\t"s, "\x01"s, "\0"s})
        for (std::size_t const length : {2, 6, 7, 8, 9, 15, 16, 17, 24, 47})
            for (std::size_t at = 1; at < length; ++at) {
                std::string target(length, 'a');
                target[0] = '/';
                target.replace(at, 1, bad);
                INFO("byte " << static_cast<int>(static_cast<unsigned char>(bad[0])) << " at " << at
                             << " of " << length);
                CHECK_FALSE(Request{get(target), "r"}.has_valid_target());
            }
    for (std::size_t const length : {1, 7, 8, 9, 16, 47}) {
        std::string target(length, '~');
        target[0] = '/';
        CHECK(Request{get(target), "r"}.has_valid_target());
    }
    CHECK_FALSE(Request{get("api/users"), "r"}.has_valid_target());
    CHECK_FALSE(Request{get("*"), "r"}.has_valid_target());
}
