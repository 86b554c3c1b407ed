#include <shop/text/list.hpp>

#include <catch2/catch.hpp>

using shop::text::split_list;
using shop::text::trim;
using Items = std::vector<std::string_view>;

TEST_CASE("a comma list yields its trimmed, non-empty items in order", "[text]")
{
    CHECK(split_list("a, b,,c") == Items{"a", "b", "c"});
    CHECK(split_list(" only ") == Items{"only"});
    CHECK(split_list("\tx ,\ty\t") == Items{"x", "y"});
    CHECK(split_list("a;b", ';') == Items{"a", "b"});
}

TEST_CASE("an empty or blank list has no items", "[text]")
{
    CHECK(split_list("").empty());
    CHECK(split_list(" , ,").empty());
}

TEST_CASE("trim takes spaces, tabs and carriage returns off both ends only", "[text]")
{
    CHECK(trim("  a b \t\r") == "a b");
    CHECK(trim(" \t ").empty());
    CHECK(trim("x") == "x");
}
