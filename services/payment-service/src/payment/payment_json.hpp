#pragma once
// A payment as the API shows it: {id,orderId,userId,amount,currency,status,reason?,processedAt}.
#include "payment/payment.hpp"

#include <nlohmann/json.hpp>

namespace shop::payment {

nlohmann::ordered_json to_json(Payment const& payment);

} // namespace shop::payment
