#include <shop/text/append.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

using shop::text::append_all;
using namespace std::string_view_literals;

TEST_CASE("pieces are appended in order after what the string holds", "[text]")
{
    std::string out = "HTTP/1.1 ";
    std::string const owned = "200";
    append_all(out, owned, " "sv, "OK", "\r\n"sv);
    CHECK(out == "HTTP/1.1 200 OK\r\n");
}

TEST_CASE("empty pieces add nothing, and no pieces leave the string as it was", "[text]")
{
    std::string out = "a";
    append_all(out, ""sv, std::string_view{}, "b"sv, std::string{});
    CHECK(out == "ab");
    append_all(out);
    CHECK(out == "ab");
}

TEST_CASE("the string grows to take pieces longer than its capacity", "[text]")
{
    std::string out = "x";
    std::string const long_piece(1000, 'y');
    for (int i = 0; i < 3; ++i)
        append_all(out, long_piece, ":"sv);
    REQUIRE(out.size() == 1 + 3 * 1001);
    CHECK(out.front() == 'x');
    CHECK(out.substr(1, 1001) == long_piece + ":");
    CHECK(out.substr(out.size() - 1001) == long_piece + ":");
}
