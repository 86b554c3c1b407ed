#pragma once
// The payment-service's SQL. Every function runs in the caller's transaction and none commits;
// the reads take any kind, Pool::read's too.
#include "payment/payment.hpp"

#include <shop/validation/paging.hpp>

#include <pqxx/connection>
#include <pqxx/transaction>

#include <cstdint>
#include <optional>
#include <vector>

namespace shop::payment::store {

// Prepares the statements that run prepared on a new connection (the pool's ConnectHook).
void prepare(pqxx::connection& connection);

// False when the order already has a payment (the unique order_id refused a second one).
bool insert_payment(pqxx::work& tx, Payment const& payment);

std::optional<Payment> find_payment(pqxx::transaction_base& tx, std::string const& payment_id);

using Page = validation::Page;

struct PaymentList {
    std::vector<Payment> payments;
    std::int64_t total = 0; // matching payments across all pages
};

// Newest first; `order_id` empty for all orders.
PaymentList list_payments(pqxx::transaction_base& tx, std::string const& order_id, Page page);

} // namespace shop::payment::store
