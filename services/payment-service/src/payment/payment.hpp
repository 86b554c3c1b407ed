#pragma once
// A payment as this service keeps and shows it: one per order.
#include <shop/events/events.hpp>

#include <string>

namespace shop::payment {

struct Payment {
    std::string id;
    std::string order_id;
    std::string user_id;
    events::Money amount;
    std::string currency = "USD";
    std::string status; // completed | failed
    std::string reason; // empty when completed
    events::Clock::time_point processed_at;
};

} // namespace shop::payment
