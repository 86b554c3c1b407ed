#include "payment/payment_json.hpp"

namespace shop::payment {

nlohmann::ordered_json to_json(Payment const& p)
{
    nlohmann::ordered_json out{{"id", p.id},
                               {"orderId", p.order_id},
                               {"userId", p.user_id},
                               {"amount", p.amount.to_json().get<double>()},
                               {"currency", p.currency},
                               {"status", p.status}};
    if (!p.reason.empty())
        out["reason"] = p.reason;
    out["processedAt"] = events::format_time(p.processed_at);
    return out;
}

} // namespace shop::payment
