#include "order/validation.hpp"

#include <shop/validation/validator.hpp>

#include <nlohmann/json.hpp>

#include <cctype>

namespace shop::order {

bool is_product_id(std::string_view text)
{
    constexpr std::string_view prefix = "product-";
    if (!text.starts_with(prefix) || text.size() == prefix.size())
        return false;
    for (char const c : text.substr(prefix.size()))
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
            return false;
    return true;
}

NewOrder parse_new_order(nlohmann::json const& body)
{
    validation::Validator v{body};
    NewOrder order;
    auto const user_id = v.string("userId").not_empty().uuid().value();
    if (auto const* items = v.array("items", 1, kMaxItems)) {
        for (std::size_t i = 0; i < items->size(); ++i) {
            auto line = v.nested((*items)[i], v.path("items") + "." + std::to_string(i));
            auto const product_id =
                line.string("productId")
                    .matches(is_product_id,
                             "must match /^product-[a-zA-Z0-9-]+$/ regular expression")
                    .value();
            auto const quantity = line.integer("quantity", 1, kMaxQuantity);
            auto const price = line.amount("price", kMinPrice.cents(), kMaxPrice.cents());
            line.only({"productId", "quantity", "price"});
            if (product_id && quantity && price)
                order.items.push_back(
                    OrderItem{*product_id, static_cast<int>(*quantity), Money::from_cents(*price)});
        }
    }
    v.only({"userId", "items"});
    v.done();
    order.user_id = *user_id;
    return order;
}

} // namespace shop::order
