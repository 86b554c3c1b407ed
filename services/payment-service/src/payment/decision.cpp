#include "payment/decision.hpp"

#include <charconv>
#include <cstdint>

namespace shop::payment {

std::optional<Money> parse_amount(std::string_view text)
{
    auto const dot = text.find('.');
    auto const units = text.substr(0, dot);
    auto const decimals = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (units.empty() || units.size() > 13 || decimals.size() > 2 ||
        (dot != std::string_view::npos && decimals.empty()))
        return std::nullopt;
    std::int64_t cents = 0;
    for (char const c : units) {
        if (c < '0' || c > '9')
            return std::nullopt;
        cents = cents * 10 + (c - '0');
    }
    for (std::size_t i = 0; i < 2; ++i) {
        char const c = i < decimals.size() ? decimals[i] : '0';
        if (c < '0' || c > '9')
            return std::nullopt;
        cents = cents * 10 + (c - '0');
    }
    return Money::from_cents(cents);
}

double share_of(std::string_view order_id)
{
    // FNV-1a, 64 bits: std::hash is free to differ between library versions.
    std::uint64_t hash = 14'695'981'039'346'656'037ULL;
    for (unsigned char const c : order_id) {
        hash ^= c;
        hash *= 1'099'511'628'211ULL;
    }
    return static_cast<double>(hash % 1'000'000) / 1'000'000.0;
}

Policy Policy::from_env(config::Env const& env)
{
    Policy policy;
    if (auto const text = env.raw("PAYMENT_MAX_AMOUNT")) {
        auto const amount = parse_amount(*text);
        if (!amount)
            throw config::Error{"PAYMENT_MAX_AMOUNT=\"" + *text +
                                "\": expected an amount like 10000.00"};
        policy.max_amount = *amount;
    }
    if (auto const text = env.raw("PAYMENT_FAILURE_RATE")) {
        double rate = -1;
        auto const [end, ec] = std::from_chars(text->data(), text->data() + text->size(), rate);
        if (ec != std::errc{} || end != text->data() + text->size() || !(rate >= 0 && rate <= 1))
            throw config::Error{"PAYMENT_FAILURE_RATE=\"" + *text +
                                "\": expected a number from 0 to 1"};
        policy.failure_rate = rate;
    }
    return policy;
}

Decision decide(Money amount, std::string_view order_id, Policy const& policy)
{
    if (amount > policy.max_amount)
        return {false, std::string{kOverLimit}};
    if (share_of(order_id) < policy.failure_rate)
        return {false, std::string{kSimulatedFailure}};
    return {};
}

} // namespace shop::payment
