#include <shop/http/request_id.hpp>

#include <catch2/catch.hpp>

#include <regex>
#include <set>

using namespace shop::http;

TEST_CASE("a client's request id is kept when it is a sane token", "[request-id]")
{
    CHECK(request_id_from("demo-request-123") == "demo-request-123");
    CHECK(request_id_from("a.b_c:d-E9") == "a.b_c:d-E9");
    CHECK(request_id_from(std::string(128, 'x')) == std::string(128, 'x'));
}

TEST_CASE("an insane request id is replaced by a fresh UUID", "[request-id]")
{
    for (std::string_view const bad : {"", "has space", "quote\"", "new\nline", "semi;colon",
                                       "slash/", "<script>", "\xc3\xa9t\xc3\xa9"}) {
        INFO("input: " << bad);
        auto const id = request_id_from(bad);
        CHECK(id != bad);
        CHECK(id.size() == 36);
    }
    CHECK(request_id_from(std::string(129, 'x')).size() == 36);
}

TEST_CASE("new request ids are version 4 UUIDs and unique", "[request-id]")
{
    std::regex const uuid{"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"};
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        auto id = new_uuid();
        REQUIRE(std::regex_match(id, uuid));
        seen.insert(std::move(id));
    }
    CHECK(seen.size() == 10000);
}
