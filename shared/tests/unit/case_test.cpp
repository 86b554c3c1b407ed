#include <shop/text/case.hpp>

#include <catch2/catch.hpp>

using shop::text::iequals;
using shop::text::istarts_with;

TEST_CASE("header names compare equal whatever the case of their ASCII letters", "[text]")
{
    CHECK(iequals("Content-Length", "content-length"));
    CHECK(iequals("X-API-KEY", "x-api-key"));
    CHECK(iequals("", ""));
    CHECK_FALSE(iequals("Content-Length", "content-lengt"));
    CHECK_FALSE(iequals("te", "tf"));
    // Only A-Z fold: '[' (after 'Z') and '{' (after 'z') stay distinct, as do bytes >= 0x80.
    CHECK_FALSE(iequals("[", "{"));
    CHECK_FALSE(iequals("\xc4", "\xe4"));
}

TEST_CASE("a prefix is found without case and never past the text's end", "[text]")
{
    CHECK(istarts_with("Proxy-Authorization", "proxy-"));
    CHECK(istarts_with("HTTPS://example.com", "https://"));
    CHECK_FALSE(istarts_with("prox", "proxy-"));
    CHECK_FALSE(istarts_with("x-proxy-", "proxy-"));
}
