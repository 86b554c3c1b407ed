#pragma once
// The payment-service's SQL. Every function runs in the caller's transaction; none commits.
#include "payment/payment.hpp"

#include <shop/validation/paging.hpp>

#include <pqxx/transaction>

#include <cstdint>
#include <optional>
#include <vector>

namespace shop::payment::store {

// False when the order already has a payment (the unique order_id refused a second one).
bool insert_payment(pqxx::work& tx, Payment const& payment);

std::optional<Payment> find_payment(pqxx::work& tx, std::string const& payment_id);

using Page = validation::Page;

struct PaymentList {
    std::vector<Payment> payments;
    std::int64_t total = 0; // matching payments across all pages
};

// Newest first; `order_id` empty for all orders.
PaymentList list_payments(pqxx::work& tx, std::string const& order_id, Page page);

} // namespace shop::payment::store
