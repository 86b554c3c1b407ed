#pragma once
// Exact money: integer cents. JSON carries it as a number with at most two decimals
// (29.99), which every client reads; sums are never done in floating point.
#include <nlohmann/json_fwd.hpp>

#include <compare>
#include <cstdint>
#include <optional>
#include <string>

namespace shop::events {

class Money {
public:
    constexpr Money() = default;
    static constexpr Money from_cents(std::int64_t cents) { return Money{cents}; }
    // A JSON number with at most two decimals; nullopt otherwise (29.999, "29.99", 1e300).
    static std::optional<Money> from_json(nlohmann::json const& value);
    // "59.98", the exact decimal text.
    std::string to_string() const;
    nlohmann::json to_json() const;

    constexpr std::int64_t cents() const { return cents_; }
    constexpr Money operator+(Money other) const { return Money{cents_ + other.cents_}; }
    constexpr Money operator*(std::int64_t n) const { return Money{cents_ * n}; }
    constexpr auto operator<=>(Money const&) const = default;

private:
    constexpr explicit Money(std::int64_t cents) : cents_{cents} {}
    std::int64_t cents_ = 0;
};

} // namespace shop::events
