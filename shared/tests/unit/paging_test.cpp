// ?limit=&offset= of every list endpoint.
#include <shop/http/error.hpp>
#include <shop/validation/paging.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using shop::validation::parse_page;
using Messages = std::vector<std::string>;

namespace {

// The 400's messages; empty when the values were accepted.
Messages messages(std::optional<std::string> const& limit, std::optional<std::string> const& offset)
{
    try {
        parse_page(limit, offset, 20);
    } catch (shop::http::Error const& e) {
        CHECK(e.status() == shop::http::Status::bad_request);
        return e.messages();
    }
    return {};
}

} // namespace

TEST_CASE("limit and offset default to the endpoint's page size and 0", "[paging]")
{
    auto const page = parse_page(std::nullopt, std::nullopt, 20);
    CHECK(page.limit == 20);
    CHECK(page.offset == 0);
    CHECK(parse_page(std::nullopt, std::nullopt, 50).limit == 50);
    auto const given = parse_page("100", "7", 20);
    CHECK(given.limit == 100);
    CHECK(given.offset == 7);
}

TEST_CASE("a bad limit or offset is named in the 400", "[paging]")
{
    CHECK(messages("0", std::nullopt) == Messages{"limit must not be less than 1"});
    CHECK(messages("101", std::nullopt) == Messages{"limit must not be greater than 100"});
    CHECK(messages("ten", std::nullopt) == Messages{"limit must be an integer number"});
    CHECK(messages("", std::nullopt) == Messages{"limit must be an integer number"});
    CHECK(messages("99999999999999999999", std::nullopt) ==
          Messages{"limit must not be greater than 100"});
    CHECK(messages("-99999999999999999999", std::nullopt) ==
          Messages{"limit must not be less than 1"});
    CHECK(messages(std::nullopt, "-1") == Messages{"offset must not be less than 0"});
    CHECK(messages(std::nullopt, "2147483648") ==
          Messages{"offset must not be greater than 2147483647"});
    CHECK(messages("2.5", "x") ==
          Messages{"limit must be an integer number", "offset must be an integer number"});
}
