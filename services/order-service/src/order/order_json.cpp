#include "order/order_json.hpp"

namespace shop::order {
namespace {

double amount(Money money)
{
    return money.to_json().get<double>();
}

nlohmann::ordered_json payment_json(PaymentInfo const& p)
{
    nlohmann::ordered_json out{{"id", p.id}, {"status", p.status}, {"amount", amount(p.amount)}};
    if (!p.reason.empty())
        out["reason"] = p.reason;
    out["processedAt"] = events::format_time(p.processed_at);
    return out;
}

} // namespace

nlohmann::ordered_json to_json(Order const& order)
{
    auto items = nlohmann::ordered_json::array();
    for (auto const& item : order.items)
        items.push_back({{"productId", item.product_id},
                         {"quantity", item.quantity},
                         {"price", amount(item.price)}});
    return {{"id", order.id},
            {"userId", order.user_id},
            {"items", std::move(items)},
            {"totalAmount", amount(order.total_amount)},
            {"currency", order.currency},
            {"kind", events::to_string(order.kind)},
            {"status", order.status},
            {"payment", order.payment ? payment_json(*order.payment) : nullptr},
            {"createdAt", events::format_time(order.created_at)},
            {"updatedAt", events::format_time(order.updated_at)}};
}

} // namespace shop::order
