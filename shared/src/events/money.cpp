#include <shop/events/money.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace shop::events {
namespace {

// Beyond this, doubles no longer hold every cent exactly.
constexpr double kMaxCents = 9'007'199'254'740'992.0; // 2^53

} // namespace

std::optional<Money> Money::from_json(nlohmann::json const& value)
{
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > kMaxCents / 100)
        return std::nullopt;
    if (value.is_number_integer()) {
        auto const units = value.get<std::int64_t>();
        if (std::fabs(static_cast<double>(units)) >= kMaxCents / 100)
            return std::nullopt;
        return Money{units * 100};
    }
    if (!value.is_number_float())
        return std::nullopt;
    double const cents = value.get<double>() * 100.0;
    double const rounded = std::round(cents);
    if (!std::isfinite(cents) || std::fabs(rounded) >= kMaxCents ||
        std::fabs(cents - rounded) > 1e-6 * std::max(1.0, std::fabs(cents)))
        return std::nullopt;
    return Money{static_cast<std::int64_t>(rounded)};
}

std::string Money::to_string() const
{
    auto const sign = cents_ < 0 ? "-" : "";
    auto const magnitude = cents_ < 0 ? -cents_ : cents_;
    return fmt::format("{}{}.{:02}", sign, magnitude / 100, magnitude % 100);
}

nlohmann::json Money::to_json() const
{
    // cents / 100.0 is the double nearest the decimal, which prints back as that decimal.
    return static_cast<double>(cents_) / 100.0;
}

} // namespace shop::events
