#include <shop/events/events.hpp>
#include <shop/http/request_id.hpp>

#include <fmt/format.h>

namespace shop::events {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(std::string_view what)
{
    throw InvalidEvent{std::string{what}};
}

json const& require(json const& object, std::string_view key)
{
    if (!object.is_object())
        invalid("event data is not an object");
    auto const it = object.find(key);
    if (it == object.end())
        invalid(fmt::format("missing field {}", key));
    return *it;
}

Money require_money(json const& object, std::string_view key)
{
    auto const money = Money::from_json(require(object, key));
    if (!money)
        invalid(fmt::format("field {} is not an amount with at most two decimals", key));
    return *money;
}

void check_status(json const& data, std::string_view expected)
{
    if (require_string(data, "status") != expected)
        invalid(fmt::format("status must be {}", expected));
}

json payment_data(PaymentOutcome const& p, std::string_view status)
{
    json data{{"paymentId", p.payment_id}, {"orderId", p.order_id},
              {"userId", p.user_id},       {"amount", p.amount.to_json()},
              {"status", status},          {"processedAt", format_time(p.processed_at)}};
    if (!p.reason.empty())
        data["reason"] = p.reason;
    return data;
}

PaymentOutcome payment_from(json const& data)
{
    PaymentOutcome p;
    p.payment_id = require_string(data, "paymentId");
    p.order_id = require_string(data, "orderId");
    p.user_id = require_string(data, "userId");
    p.amount = require_money(data, "amount");
    if (auto const it = data.find("reason"); it != data.end()) {
        if (!it->is_string())
            invalid("field reason is not a string");
        p.reason = it->get<std::string>();
    }
    p.processed_at = require_time(data, "processedAt");
    return p;
}

} // namespace

std::string const& require_string(json const& object, std::string_view key)
{
    auto const& value = require(object, key);
    if (!value.is_string())
        invalid(fmt::format("field {} is not a string", key));
    return value.get_ref<std::string const&>();
}

Clock::time_point require_time(json const& object, std::string_view key)
{
    auto const time = parse_time(require_string(object, key));
    if (!time)
        invalid(fmt::format("field {} is not an RFC 3339 time", key));
    return *time;
}

std::string_view to_string(OrderKind kind)
{
    return kind == OrderKind::welcome ? "welcome" : "standard";
}

json UserCreated::to_data() const
{
    return {{"userId", user_id},
            {"email", email},
            {"name", name},
            {"role", role},
            {"createdAt", format_time(created_at)}};
}

UserCreated UserCreated::from_data(json const& data)
{
    return {require_string(data, "userId"), require_string(data, "email"),
            require_string(data, "name"), require_string(data, "role"),
            require_time(data, "createdAt")};
}

json UserUpdated::to_data() const
{
    return {{"userId", user_id},
            {"email", email},
            {"name", name},
            {"role", role},
            {"updatedAt", format_time(updated_at)}};
}

UserUpdated UserUpdated::from_data(json const& data)
{
    return {require_string(data, "userId"), require_string(data, "email"),
            require_string(data, "name"), require_string(data, "role"),
            require_time(data, "updatedAt")};
}

json UserDeleted::to_data() const
{
    return {{"userId", user_id}, {"deletedAt", format_time(deleted_at)}};
}

UserDeleted UserDeleted::from_data(json const& data)
{
    return {require_string(data, "userId"), require_time(data, "deletedAt")};
}

json OrderCreated::to_data() const
{
    auto lines = json::array();
    for (auto const& item : items)
        lines.push_back({{"productId", item.product_id},
                         {"quantity", item.quantity},
                         {"price", item.price.to_json()}});
    return {{"orderId", order_id},
            {"userId", user_id},
            {"items", std::move(lines)},
            {"totalAmount", total_amount.to_json()},
            {"currency", currency},
            {"kind", to_string(kind)},
            {"createdAt", format_time(created_at)}};
}

OrderCreated OrderCreated::from_data(json const& data)
{
    OrderCreated o;
    o.order_id = require_string(data, "orderId");
    o.user_id = require_string(data, "userId");
    auto const& items = require(data, "items");
    if (!items.is_array() || items.empty())
        invalid("field items is not a non-empty array");
    Money sum;
    for (auto const& line : items) {
        OrderItem item{require_string(line, "productId"), 0, require_money(line, "price")};
        auto const& quantity = require(line, "quantity");
        if (!quantity.is_number_integer() || quantity.get<std::int64_t>() < 1 ||
            quantity.get<std::int64_t>() > 9999)
            invalid("field quantity is not an integer from 1 to 9999");
        item.quantity = quantity.get<int>();
        sum = sum + item.price * item.quantity;
        o.items.push_back(std::move(item));
    }
    o.total_amount = require_money(data, "totalAmount");
    if (o.total_amount != sum)
        invalid(fmt::format("totalAmount {} is not the sum of the items {}",
                            o.total_amount.to_string(), sum.to_string()));
    o.currency = require_string(data, "currency");
    auto const& kind = require_string(data, "kind");
    if (kind != "welcome" && kind != "standard")
        invalid("field kind is neither welcome nor standard");
    o.kind = kind == "welcome" ? OrderKind::welcome : OrderKind::standard;
    o.created_at = require_time(data, "createdAt");
    return o;
}

json OrderCancelled::to_data() const
{
    return {{"orderId", order_id},
            {"userId", user_id},
            {"reason", reason},
            {"cancelledAt", format_time(cancelled_at)}};
}

OrderCancelled OrderCancelled::from_data(json const& data)
{
    return {require_string(data, "orderId"), require_string(data, "userId"),
            require_string(data, "reason"), require_time(data, "cancelledAt")};
}

json PaymentCompleted::to_data() const
{
    return payment_data(*this, kStatus);
}

PaymentCompleted PaymentCompleted::from_data(json const& data)
{
    check_status(data, kStatus);
    return {payment_from(data)};
}

json PaymentFailed::to_data() const
{
    return payment_data(*this, kStatus);
}

PaymentFailed PaymentFailed::from_data(json const& data)
{
    check_status(data, kStatus);
    PaymentFailed p{payment_from(data)};
    if (p.reason.empty())
        invalid("a failed payment needs a reason");
    return p;
}

template <class Event>
Envelope envelope_for(Event const& event, std::string_view source, std::string_view correlation_id)
{
    return Envelope{http::new_uuid(),    std::string{Event::kType},   kEventVersion,  Clock::now(),
                    std::string{source}, std::string{correlation_id}, event.to_data()};
}

template <class Event>
Event open(Envelope const& envelope)
{
    if (envelope.event_type != Event::kType)
        invalid(fmt::format("expected a {} event, got {}", Event::kType, envelope.event_type));
    return Event::from_data(envelope.data);
}

#define SHOP_EVENT(Event)                                                                          \
    template Envelope envelope_for<Event>(Event const&, std::string_view, std::string_view);       \
    template Event open<Event>(Envelope const&);
SHOP_EVENT(UserCreated)
SHOP_EVENT(UserUpdated)
SHOP_EVENT(UserDeleted)
SHOP_EVENT(OrderCreated)
SHOP_EVENT(OrderCancelled)
SHOP_EVENT(PaymentCompleted)
SHOP_EVENT(PaymentFailed)
#undef SHOP_EVENT

} // namespace shop::events
