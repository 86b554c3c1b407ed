#pragma once
// POST /api/orders body rules (seed 002), with class-validator's messages.
#include "order/order.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace shop::order {

inline constexpr std::size_t kMaxItems = 100;
inline constexpr int kMaxQuantity = 9999;
inline constexpr Money kMinPrice = Money::from_cents(1);
inline constexpr Money kMaxPrice = Money::from_cents(99'999'999);

// `product-` then one or more ASCII letters, digits or hyphens.
bool is_product_id(std::string_view text);

// The validated order, or http::Error{400, [every broken rule]}.
NewOrder parse_new_order(nlohmann::json const& body);

} // namespace shop::order
