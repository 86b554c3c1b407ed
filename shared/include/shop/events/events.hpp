#pragma once
// The schema of every event (DESIGN §5): typed data, its topic, its key, and a JSON round
// trip that validates what it reads (InvalidEvent on any mismatch).
#include <shop/events/envelope.hpp>
#include <shop/events/money.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace shop::events {

struct UserCreated {
    static constexpr std::string_view kType = "user.created";
    std::string user_id, email, name, role;
    Clock::time_point created_at;

    std::string const& key() const { return user_id; }
    nlohmann::json to_data() const;
    static UserCreated from_data(nlohmann::json const& data);
};

struct UserUpdated {
    static constexpr std::string_view kType = "user.updated";
    std::string user_id, email, name, role;
    Clock::time_point updated_at;

    std::string const& key() const { return user_id; }
    nlohmann::json to_data() const;
    static UserUpdated from_data(nlohmann::json const& data);
};

struct UserDeleted {
    static constexpr std::string_view kType = "user.deleted";
    std::string user_id;
    Clock::time_point deleted_at;

    std::string const& key() const { return user_id; }
    nlohmann::json to_data() const;
    static UserDeleted from_data(nlohmann::json const& data);
};

struct OrderItem {
    std::string product_id;
    int quantity = 0;
    Money price;
};

enum class OrderKind { welcome, standard };
std::string_view to_string(OrderKind kind);

struct OrderCreated {
    static constexpr std::string_view kType = "order.created";
    std::string order_id, user_id;
    std::vector<OrderItem> items;
    Money total_amount;
    std::string currency = "USD";
    OrderKind kind = OrderKind::standard;
    Clock::time_point created_at;

    std::string const& key() const { return order_id; }
    nlohmann::json to_data() const;
    static OrderCreated from_data(nlohmann::json const& data); // also checks the total
};

struct OrderCancelled {
    static constexpr std::string_view kType = "order.cancelled";
    std::string order_id, user_id, reason;
    Clock::time_point cancelled_at;

    std::string const& key() const { return order_id; }
    nlohmann::json to_data() const;
    static OrderCancelled from_data(nlohmann::json const& data);
};

// payment.completed and payment.failed share one shape; status tells them apart.
struct PaymentOutcome {
    std::string payment_id, order_id, user_id;
    Money amount;
    std::string reason; // empty for a completed payment
    Clock::time_point processed_at;

    std::string const& key() const { return order_id; }
};

struct PaymentCompleted : PaymentOutcome {
    static constexpr std::string_view kType = "payment.completed";
    static constexpr std::string_view kStatus = "completed";
    nlohmann::json to_data() const;
    static PaymentCompleted from_data(nlohmann::json const& data);
};

struct PaymentFailed : PaymentOutcome {
    static constexpr std::string_view kType = "payment.failed";
    static constexpr std::string_view kStatus = "failed";
    nlohmann::json to_data() const;
    static PaymentFailed from_data(nlohmann::json const& data); // a reason is required
};

// Every topic an event is published to, in DESIGN §5's order.
inline constexpr std::string_view kTopics[] = {
    UserCreated::kType,    UserUpdated::kType,      UserDeleted::kType,  OrderCreated::kType,
    OrderCancelled::kType, PaymentCompleted::kType, PaymentFailed::kType};

// Where a consumed topic's poison messages go.
inline std::string dead_letter_topic(std::string_view topic)
{
    return std::string{topic} + ".dlq";
}

// Wraps an event in a fresh envelope (new event id, now).
template <class Event>
Envelope envelope_for(Event const& event, std::string_view source, std::string_view correlation_id);

// The typed event inside an envelope; InvalidEvent when the type or data do not fit.
template <class Event>
Event open(Envelope const& envelope);

} // namespace shop::events
