#pragma once
// An order as the API shows it: {id,userId,items,totalAmount,currency,kind,status,payment,
// createdAt,updatedAt}, amounts as numbers with at most two decimals.
#include "order/order.hpp"

#include <nlohmann/json.hpp>

namespace shop::order {

nlohmann::ordered_json to_json(Order const& order);

} // namespace shop::order
