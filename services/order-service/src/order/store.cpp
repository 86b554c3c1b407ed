#include "order/store.hpp"

#include <shop/events/envelope.hpp>

#include <pqxx/pqxx>

#include <chrono>

namespace shop::order::store {
namespace {

using Clock = events::Clock;

// Times travel as RFC 3339 text into SQL and as epoch milliseconds out of it.
std::string sql_time(Clock::time_point time)
{
    return events::format_time(time);
}

Clock::time_point from_epoch_ms(pqxx::field const& field)
{
    return Clock::time_point{std::chrono::milliseconds{field.as<std::int64_t>()}};
}

constexpr char const* kSelectOrders = R"(
    SELECT o.id, o.user_id, o.kind, o.status, o.total_cents, o.currency,
           o.payment_id, o.payment_status, o.payment_amount_cents, o.payment_reason,
           (extract(epoch FROM o.payment_processed_at) * 1000)::bigint,
           (extract(epoch FROM o.created_at) * 1000)::bigint,
           (extract(epoch FROM o.updated_at) * 1000)::bigint,
           i.product_id, i.quantity, i.price_cents
      FROM page o JOIN order_items i ON i.order_id = o.id
     ORDER BY o.created_at DESC, o.id, i.position)";

Order order_from(pqxx::row const& row)
{
    Order o;
    o.id = row[0].as<std::string>();
    o.user_id = row[1].as<std::string>();
    o.kind = row[2].as<std::string>() == "welcome" ? OrderKind::welcome : OrderKind::standard;
    o.status = row[3].as<std::string>();
    o.total_amount = Money::from_cents(row[4].as<std::int64_t>());
    o.currency = row[5].as<std::string>();
    if (!row[6].is_null()) {
        PaymentInfo p;
        p.id = row[6].as<std::string>();
        p.status = row[7].as<std::string>();
        p.amount = Money::from_cents(row[8].as<std::int64_t>());
        p.reason = row[9].is_null() ? "" : row[9].as<std::string>();
        p.processed_at = from_epoch_ms(row[10]);
        o.payment = std::move(p);
    }
    o.created_at = from_epoch_ms(row[11]);
    o.updated_at = from_epoch_ms(row[12]);
    return o;
}

// Rows of kSelectOrders, one per item, folded into orders.
std::vector<Order> orders_from(pqxx::result const& rows)
{
    std::vector<Order> orders;
    for (auto const& row : rows) {
        if (orders.empty() || orders.back().id != row[0].c_str())
            orders.push_back(order_from(row));
        orders.back().items.push_back(OrderItem{row[13].as<std::string>(), row[14].as<int>(),
                                                Money::from_cents(row[15].as<std::int64_t>())});
    }
    return orders;
}

// GET /api/orders/:id runs prepared.
constexpr char const* kFindOrder = "order_find";

} // namespace

void prepare(pqxx::connection& connection)
{
    connection.prepare(kFindOrder,
                       std::string{"WITH page AS (SELECT * FROM orders WHERE id = $1)"} +
                           kSelectOrders);
}

UserState user_state(pqxx::transaction_base& tx, std::string const& user_id)
{
    auto const rows = tx.exec_params("SELECT deleted FROM users WHERE id = $1", user_id);
    if (rows.empty())
        return UserState::unknown;
    return rows[0][0].as<bool>() ? UserState::deleted : UserState::active;
}

bool upsert_user(pqxx::work& tx, User const& user)
{
    auto const rows = tx.exec_params(
        "INSERT INTO users (id, email, name) VALUES ($1, $2, $3) "
        "ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name, "
        "updated_at = now() WHERE NOT users.deleted RETURNING id",
        user.id, user.email, user.name);
    return !rows.empty();
}

bool lock_active_user(pqxx::work& tx, std::string const& user_id)
{
    auto const rows = tx.exec_params("SELECT deleted FROM users WHERE id = $1 FOR SHARE", user_id);
    return !rows.empty() && !rows[0][0].as<bool>();
}

void mark_user_deleted(pqxx::work& tx, std::string const& user_id)
{
    // A deletion may overtake the creation: keep a tombstone either way.
    tx.exec_params("INSERT INTO users (id, email, name, deleted) VALUES ($1, '', '', true) "
                   "ON CONFLICT (id) DO UPDATE SET deleted = true, updated_at = now()",
                   user_id);
}

bool insert_order(pqxx::work& tx, Order const& order)
{
    auto const inserted = tx.exec_params(
        "INSERT INTO orders (id, user_id, kind, status, total_cents, currency, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING",
        order.id, order.user_id, std::string{events::to_string(order.kind)}, order.status,
        order.total_amount.cents(), order.currency, sql_time(order.created_at));
    if (inserted.affected_rows() != 1)
        return false;
    for (std::size_t i = 0; i < order.items.size(); ++i) {
        auto const& item = order.items[i];
        tx.exec_params("INSERT INTO order_items (order_id, position, product_id, quantity, "
                       "price_cents) VALUES ($1, $2, $3, $4, $5)",
                       order.id, static_cast<int>(i), item.product_id, item.quantity,
                       item.price.cents());
    }
    return true;
}

std::vector<std::string> cancel_pending_orders(pqxx::work& tx, std::string const& user_id)
{
    auto const rows = tx.exec_params("UPDATE orders SET status = 'cancelled', updated_at = now() "
                                     "WHERE user_id = $1 AND status = 'pending' RETURNING id",
                                     user_id);
    std::vector<std::string> ids;
    for (auto const& row : rows)
        ids.push_back(row[0].as<std::string>());
    return ids;
}

bool record_payment(pqxx::work& tx, std::string const& order_id, PaymentInfo const& payment,
                    std::string_view status)
{
    auto const updated = tx.exec_params(
        "UPDATE orders SET status = CASE WHEN status = 'pending' THEN $2 ELSE status END, "
        "payment_id = $3, payment_status = $4, payment_amount_cents = $5, "
        "payment_reason = NULLIF($6, ''), payment_processed_at = $7, updated_at = now() "
        "WHERE id = $1",
        order_id, std::string{status}, payment.id, payment.status, payment.amount.cents(),
        payment.reason, sql_time(payment.processed_at));
    return updated.affected_rows() == 1;
}

std::optional<Order> find_order(pqxx::transaction_base& tx, std::string const& order_id)
{
    auto orders = orders_from(tx.exec_prepared(kFindOrder, order_id));
    if (orders.empty())
        return std::nullopt;
    return std::move(orders.front());
}

OrderList list_orders(pqxx::transaction_base& tx, std::string const& user_id, Page page)
{
    // An empty user id means every user.
    constexpr char const* kFilter = "(NULLIF($1, '') IS NULL OR user_id = NULLIF($1, '')::uuid)";
    OrderList list;
    list.total =
        tx.exec_params(std::string{"SELECT count(*) FROM orders WHERE "} + kFilter, user_id)[0][0]
            .as<std::int64_t>();
    auto const rows =
        tx.exec_params(std::string{"WITH page AS (SELECT * FROM orders WHERE "} + kFilter +
                           " ORDER BY created_at DESC, id LIMIT $2 OFFSET $3)" + kSelectOrders,
                       user_id, page.limit, page.offset);
    list.orders = orders_from(rows);
    return list;
}

std::optional<KeptResponse> find_kept_response(pqxx::transaction_base& tx, std::string const& key)
{
    auto const rows =
        tx.exec_params("SELECT request, status, body FROM idempotency_keys WHERE key = $1", key);
    if (rows.empty())
        return std::nullopt;
    return KeptResponse{rows[0][0].as<std::string>(), rows[0][1].as<int>(),
                        rows[0][2].as<std::string>()};
}

bool keep_response(pqxx::work& tx, std::string const& key, KeptResponse const& response)
{
    // A concurrent request with the same key waits here until the first one commits.
    auto const inserted =
        tx.exec_params("INSERT INTO idempotency_keys (key, request, status, body) "
                       "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                       key, response.request, response.status, response.body);
    return inserted.affected_rows() == 1;
}

} // namespace shop::order::store
