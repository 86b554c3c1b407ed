#pragma once
// An order as this service keeps it, and the rules that need no database.
#include <shop/events/events.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::order {

using events::Money;
using events::OrderItem;
using events::OrderKind;

// What a payment event told us about an order.
struct PaymentInfo {
    std::string id;
    std::string status; // completed | failed
    Money amount;
    std::string reason; // empty when completed
    events::Clock::time_point processed_at;
};

struct Order {
    std::string id;
    std::string user_id;
    std::vector<OrderItem> items;
    Money total_amount;
    std::string currency = "USD";
    OrderKind kind = OrderKind::standard;
    std::string status = "pending"; // pending | paid | payment_failed | cancelled
    std::optional<PaymentInfo> payment;
    events::Clock::time_point created_at;
    events::Clock::time_point updated_at;
};

// A validated POST /api/orders body.
struct NewOrder {
    std::string user_id;
    std::vector<OrderItem> items;
};

inline constexpr std::string_view kWelcomeProduct = "product-welcome-kit";
inline constexpr Money kWelcomePrice = Money::from_cents(1);

// An id in the lower case PostgreSQL prints UUIDs in, so ids compare as text.
std::string canonical_id(std::string id);

// The exact sum of price × quantity over the items.
Money total_of(std::vector<OrderItem> const& items);

// A fresh pending order with a new id, its total computed, stamped `now` (to the ms).
Order make_order(std::string user_id, std::vector<OrderItem> items, OrderKind kind,
                 events::Clock::time_point now);

// The one order every new user gets: the welcome kit.
Order make_welcome_order(std::string user_id, events::Clock::time_point now);

// The order.created event that announces `order`.
events::OrderCreated created_event(Order const& order);

} // namespace shop::order
