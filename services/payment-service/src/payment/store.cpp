#include "payment/store.hpp"

#include <pqxx/pqxx>

namespace shop::payment::store {
namespace {

constexpr char const* kColumns = "id, order_id, user_id, amount_cents, currency, status, reason, "
                                 "(extract(epoch FROM processed_at) * 1000)::bigint";

Payment payment_from(pqxx::row const& row)
{
    Payment p;
    p.id = row[0].as<std::string>();
    p.order_id = row[1].as<std::string>();
    p.user_id = row[2].as<std::string>();
    p.amount = events::Money::from_cents(row[3].as<std::int64_t>());
    p.currency = row[4].as<std::string>();
    p.status = row[5].as<std::string>();
    p.reason = row[6].is_null() ? "" : row[6].as<std::string>();
    p.processed_at =
        events::Clock::time_point{std::chrono::milliseconds{row[7].as<std::int64_t>()}};
    return p;
}

// GET /api/payments/:id runs prepared.
constexpr char const* kFindPayment = "payment_find";

} // namespace

void prepare(pqxx::connection& connection)
{
    connection.prepare(kFindPayment,
                       std::string{"SELECT "} + kColumns + " FROM payments WHERE id = $1");
}

bool insert_payment(pqxx::work& tx, Payment const& p)
{
    auto const inserted = tx.exec_params(
        "INSERT INTO payments (id, order_id, user_id, amount_cents, currency, status, reason, "
        "processed_at) VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), $8) "
        "ON CONFLICT (order_id) DO NOTHING",
        p.id, p.order_id, p.user_id, p.amount.cents(), p.currency, p.status, p.reason,
        events::format_time(p.processed_at));
    return inserted.affected_rows() == 1;
}

std::optional<Payment> find_payment(pqxx::transaction_base& tx, std::string const& payment_id)
{
    auto const rows = tx.exec_prepared(kFindPayment, payment_id);
    if (rows.empty())
        return std::nullopt;
    return payment_from(rows[0]);
}

PaymentList list_payments(pqxx::transaction_base& tx, std::string const& order_id, Page page)
{
    // An empty order id means every order.
    constexpr char const* kFilter =
        " WHERE (NULLIF($1, '') IS NULL OR order_id = NULLIF($1, '')::uuid)";
    PaymentList list;
    list.total =
        tx.exec_params(std::string{"SELECT count(*) FROM payments"} + kFilter, order_id)[0][0]
            .as<std::int64_t>();
    auto const rows =
        tx.exec_params(std::string{"SELECT "} + kColumns + " FROM payments" + kFilter +
                           " ORDER BY processed_at DESC, id LIMIT $2 OFFSET $3",
                       order_id, page.limit, page.offset);
    for (auto const& row : rows)
        list.payments.push_back(payment_from(row));
    return list;
}

} // namespace shop::payment::store
