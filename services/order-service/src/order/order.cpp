#include "order/order.hpp"

#include <shop/http/request_id.hpp>

#include <algorithm>
#include <cctype>

namespace shop::order {

std::string canonical_id(std::string id)
{
    std::ranges::transform(id, id.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return id;
}

Money total_of(std::vector<OrderItem> const& items)
{
    Money total;
    for (auto const& item : items)
        total = total + item.price * item.quantity;
    return total;
}

Order make_order(std::string user_id, std::vector<OrderItem> items, OrderKind kind,
                 events::Clock::time_point now)
{
    // Millisecond precision: what the database keeps and the JSON shows.
    auto const stamp = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
    Order order;
    order.id = http::new_uuid();
    order.user_id = std::move(user_id);
    order.total_amount = total_of(items);
    order.items = std::move(items);
    order.kind = kind;
    order.created_at = stamp;
    order.updated_at = stamp;
    return order;
}

Order make_welcome_order(std::string user_id, events::Clock::time_point now)
{
    return make_order(std::move(user_id),
                      {OrderItem{std::string{kWelcomeProduct}, 1, kWelcomePrice}},
                      OrderKind::welcome, now);
}

events::OrderCreated created_event(Order const& order)
{
    return events::OrderCreated{order.id,       order.user_id, order.items,     order.total_amount,
                                order.currency, order.kind,    order.created_at};
}

} // namespace shop::order
