#pragma once
// The simulated payment: deterministic, so tests and demos know the outcome in advance.
#include <shop/config/env.hpp>
#include <shop/events/money.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace shop::payment {

using events::Money;

inline constexpr std::string_view kOverLimit = "amount exceeds limit";
inline constexpr std::string_view kSimulatedFailure = "simulated failure";

struct Policy {
    Money max_amount = Money::from_cents(1'000'000); // 10000.00 completes, 10000.01 fails
    double failure_rate = 0.0;                       // share of orders failed on purpose

    // PAYMENT_MAX_AMOUNT (a decimal with at most two places), PAYMENT_FAILURE_RATE (0..1).
    static Policy from_env(config::Env const& env);
};

struct Decision {
    bool completed = true;
    std::string reason; // why it failed; empty when completed
};

Decision decide(Money amount, std::string_view order_id, Policy const& policy);

// "10000", "10000.5", "10000.00" → cents; nullopt for anything else.
std::optional<Money> parse_amount(std::string_view text);

// Where an order falls in [0, 1): a stable hash of its id, the same on every run and host.
double share_of(std::string_view order_id);

} // namespace shop::payment
