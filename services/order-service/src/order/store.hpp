#pragma once
// The order-service's SQL: users projection, orders and their items. Every function runs
// in the caller's transaction and none commits; the reads take any kind, Pool::read's too.
#include "order/order.hpp"

#include <shop/validation/paging.hpp>

#include <pqxx/connection>
#include <pqxx/transaction>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shop::order::store {

struct User {
    std::string id, email, name;
};

enum class UserState { unknown, active, deleted };

// Prepares the statements that run prepared on a new connection (the pool's ConnectHook).
void prepare(pqxx::connection& connection);

UserState user_state(pqxx::transaction_base& tx, std::string const& user_id);
// Inserts or refreshes a known user; false when that user is already deleted.
bool upsert_user(pqxx::work& tx, User const& user);
// True when the user exists and is not deleted; holds the row until commit, so a
// concurrent user.deleted waits for this transaction's orders and then cancels them.
bool lock_active_user(pqxx::work& tx, std::string const& user_id);
void mark_user_deleted(pqxx::work& tx, std::string const& user_id);

// Inserts the order and its items; false when a unique rule refused it (a second welcome).
bool insert_order(pqxx::work& tx, Order const& order);
// Sets every pending order of the user to cancelled; returns their ids.
std::vector<std::string> cancel_pending_orders(pqxx::work& tx, std::string const& user_id);
// Records a payment outcome; the status moves to `status` only from pending. False when
// the order is unknown.
bool record_payment(pqxx::work& tx, std::string const& order_id, PaymentInfo const& payment,
                    std::string_view status);

std::optional<Order> find_order(pqxx::transaction_base& tx, std::string const& order_id);

using Page = validation::Page;

struct OrderList {
    std::vector<Order> orders;
    std::int64_t total = 0; // matching orders across all pages
};

// Newest first; `user_id` empty for all users.
OrderList list_orders(pqxx::transaction_base& tx, std::string const& user_id, Page page);

// The first response given to a request with an Idempotency-Key.
struct KeptResponse {
    std::string request; // the request body as canonical JSON
    int status = 0;
    std::string body;
};

std::optional<KeptResponse> find_kept_response(pqxx::transaction_base& tx, std::string const& key);
// False when the key is taken (by a transaction that has committed meanwhile).
bool keep_response(pqxx::work& tx, std::string const& key, KeptResponse const& response);

} // namespace shop::order::store
