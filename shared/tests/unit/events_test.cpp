#include <shop/events/events.hpp>

#include <catch2/catch.hpp>

using namespace shop::events;
using nlohmann::json;

namespace {

Clock::time_point at(std::string_view text)
{
    return *parse_time(text);
}

OrderCreated sample_order()
{
    return {"o-1",
            "u-1",
            {{"product-123", 2, Money::from_cents(2999)}, {"product-abc", 1, Money::from_cents(1)}},
            Money::from_cents(5999),
            "USD",
            OrderKind::standard,
            at("2026-11-22T03:05:02.123Z")};
}

} // namespace

TEST_CASE("an envelope round-trips through JSON in the documented shape", "[events]")
{
    auto const envelope = envelope_for(sample_order(), "order-service", "demo-order-456");
    auto const text = envelope.to_json();
    auto const parsed = json::parse(text);
    CHECK(parsed["eventType"] == "order.created");
    CHECK(parsed["eventVersion"] == 1);
    CHECK(parsed["source"] == "order-service");
    CHECK(parsed["correlationId"] == "demo-order-456");
    CHECK(parsed["eventId"].get<std::string>().size() == 36);
    CHECK(text.rfind(R"({"eventId":)", 0) == 0);

    auto const back = Envelope::parse(text);
    CHECK(back.event_id == envelope.event_id);
    CHECK(format_time(back.occurred_at) == format_time(envelope.occurred_at));
    auto const order = open<OrderCreated>(back);
    CHECK(order.order_id == "o-1");
    CHECK(order.items.size() == 2);
    CHECK(order.items[0].price == Money::from_cents(2999));
    CHECK(order.total_amount.to_string() == "59.99");
    CHECK(order.kind == OrderKind::standard);
    CHECK(format_time(order.created_at) == "2026-11-22T03:05:02.123Z");
}

TEST_CASE("every event type survives a round trip", "[events]")
{
    auto const t = at("2026-01-02T03:04:05.006Z");
    auto const user = open<UserCreated>(Envelope::parse(
        envelope_for(UserCreated{"u", "a@b.co", "Ann", "user", t}, "s", "c").to_json()));
    CHECK(user.email == "a@b.co");
    CHECK(user.created_at == t);
    CHECK(open<UserUpdated>(
              Envelope::parse(
                  envelope_for(UserUpdated{"u", "e@x.io", "N", "admin", t}, "s", "c").to_json()))
              .role == "admin");
    CHECK(open<UserDeleted>(Envelope::parse(envelope_for(UserDeleted{"u", t}, "s", "c").to_json()))
              .user_id == "u");
    CHECK(open<OrderCancelled>(
              Envelope::parse(
                  envelope_for(OrderCancelled{"o", "u", "user deleted", t}, "s", "c").to_json()))
              .reason == "user deleted");
    PaymentCompleted paid{{"p", "o", "u", Money::from_cents(1000000), "", t}};
    auto const paid_back =
        open<PaymentCompleted>(Envelope::parse(envelope_for(paid, "s", "c").to_json()));
    CHECK(paid_back.amount.to_string() == "10000.00");
    CHECK(paid_back.reason.empty());
    PaymentFailed failed{{"p", "o", "u", Money::from_cents(1000001), "amount over limit", t}};
    CHECK(open<PaymentFailed>(Envelope::parse(envelope_for(failed, "s", "c").to_json())).reason ==
          "amount over limit");
}

TEST_CASE("poison messages are rejected with a reason", "[events]")
{
    auto const good = json::parse(envelope_for(sample_order(), "order-service", "c").to_json());
    auto const rejects = [](json const& value) {
        CHECK_THROWS_AS(open<OrderCreated>(Envelope::parse(value.dump())), InvalidEvent);
    };
    CHECK_THROWS_AS(Envelope::parse("{not json"), InvalidEvent);
    CHECK_THROWS_AS(Envelope::parse("[1,2]"), InvalidEvent);
    for (auto const* field : {"eventId", "eventType", "eventVersion", "occurredAt", "source",
                              "correlationId", "data"}) {
        INFO(field);
        auto broken = good;
        broken.erase(field);
        rejects(broken);
    }
    auto future = good;
    future["eventVersion"] = 2;
    CHECK_THROWS_WITH(Envelope::parse(future.dump()), "unknown eventVersion 2");
    auto wrong_type = good;
    wrong_type["eventType"] = "user.created";
    rejects(wrong_type);
    auto bad_total = good;
    bad_total["data"]["totalAmount"] = 1.0;
    rejects(bad_total);
    auto three_decimals = good;
    three_decimals["data"]["items"][0]["price"] = 29.999;
    rejects(three_decimals);
    auto zero_quantity = good;
    zero_quantity["data"]["items"][0]["quantity"] = 0;
    rejects(zero_quantity);
    auto no_items = good;
    no_items["data"]["items"] = json::array();
    rejects(no_items);
    auto bad_kind = good;
    bad_kind["data"]["kind"] = "gift";
    rejects(bad_kind);
    auto bad_time = good;
    bad_time["data"]["createdAt"] = "yesterday";
    rejects(bad_time);
}

TEST_CASE("a failed payment must say why and carry the failed status", "[events]")
{
    auto const t = at("2026-01-02T03:04:05Z");
    PaymentFailed no_reason{{"p", "o", "u", Money::from_cents(5), "", t}};
    CHECK_THROWS_AS(
        open<PaymentFailed>(Envelope::parse(envelope_for(no_reason, "s", "c").to_json())),
        InvalidEvent);
    PaymentCompleted paid{{"p", "o", "u", Money::from_cents(5), "", t}};
    auto as_failed = json::parse(envelope_for(paid, "s", "c").to_json());
    as_failed["eventType"] = "payment.failed";
    as_failed["data"]["reason"] = "x";
    CHECK_THROWS_AS(open<PaymentFailed>(Envelope::parse(as_failed.dump())), InvalidEvent);
}

TEST_CASE("money is exact to the cent", "[events][money]")
{
    CHECK(Money::from_json(json::parse("29.99"))->cents() == 2999);
    CHECK(Money::from_json(json::parse("0.01"))->cents() == 1);
    CHECK(Money::from_json(json::parse("999999.99"))->cents() == 99999999);
    CHECK(Money::from_json(json::parse("12"))->cents() == 1200);
    CHECK_FALSE(Money::from_json(json::parse("29.999")));
    CHECK_FALSE(Money::from_json(json::parse("\"29.99\"")));
    CHECK_FALSE(Money::from_json(json::parse("1e300")));
    // A double sum of 0.1 and 0.2 is not 0.3; a sum of cents is.
    CHECK(Money::from_cents(10) + Money::from_cents(20) == *Money::from_json(json::parse("0.3")));
    CHECK((Money::from_cents(2999) * 3).to_string() == "89.97");
    CHECK(Money::from_cents(-5).to_string() == "-0.05");
    CHECK(json(Money::from_cents(5998).to_json()).dump() == "59.98");
}

TEST_CASE("RFC 3339 times parse with fractions and offsets", "[events][time]")
{
    CHECK(format_time(at("2026-11-22T03:05:02Z")) == "2026-11-22T03:05:02.000Z");
    CHECK(format_time(at("2026-11-22T03:05:02.5Z")) == "2026-11-22T03:05:02.500Z");
    CHECK(format_time(at("2026-11-22T05:05:02.123+02:00")) == "2026-11-22T03:05:02.123Z");
    CHECK(format_time(at("2026-11-21T23:35:02.123-03:30")) == "2026-11-22T03:05:02.123Z");
    CHECK(format_time(at("1969-12-31T23:59:59.999Z")) == "1969-12-31T23:59:59.999Z");
    for (auto const* bad :
         {"", "2026-11-22", "2026-11-22T03:05:02", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
          "2026-11-22T03:05:02.Z", "2026-11-22 03:05:02Z", "2026-11-22T03:05:02Zjunk"}) {
        INFO(bad);
        CHECK_FALSE(parse_time(bad));
    }
}

TEST_CASE("dead letters go to the topic's .dlq", "[events]")
{
    CHECK(dead_letter_topic("order.created") == "order.created.dlq");
    CHECK(std::size(kTopics) == 7);
}
