#include "user/store.hpp"

#include <pqxx/result>
#include <pqxx/row>

namespace shop::user::store {
namespace {

// The columns user_of() reads, times as microseconds since the epoch.
std::string const kColumns = "id::text, email, name, role, "
                             "(extract(epoch FROM created_at) * 1000000)::bigint, "
                             "(extract(epoch FROM updated_at) * 1000000)::bigint";

std::string const kInsert = "INSERT INTO users (email, name, password_hash) "
                            "VALUES ($1, $2, $3) RETURNING " +
                            kColumns;
std::string const kFind = "SELECT " + kColumns + " FROM users WHERE id = $1::uuid";
constexpr char const* kFindStatement = "user_find"; // GET /api/users/:id runs prepared
std::string const kList =
    "SELECT " + kColumns + " FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2";
std::string const kUpdate = "UPDATE users SET email = coalesce($2, email), "
                            "name = coalesce($3, name), "
                            "password_hash = coalesce($4, password_hash), updated_at = now() "
                            "WHERE id = $1::uuid RETURNING " +
                            kColumns;

events::Clock::time_point time_of(pqxx::field const& micros)
{
    return events::Clock::time_point{std::chrono::microseconds{micros.as<std::int64_t>()}};
}

User user_of(pqxx::row const& row)
{
    return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
            row[3].as<std::string>(), time_of(row[4]),          time_of(row[5])};
}

std::optional<User> first_user(pqxx::result const& result)
{
    if (result.empty())
        return std::nullopt;
    return user_of(result[0]);
}

} // namespace

User insert(pqxx::work& tx, std::string const& email, std::string const& name,
            std::string const& password_hash)
{
    return user_of(tx.exec_params1(kInsert, email, name, password_hash));
}

void prepare(pqxx::connection& connection)
{
    connection.prepare(kFindStatement, kFind);
}

std::optional<User> find(pqxx::transaction_base& tx, std::string const& id)
{
    return first_user(tx.exec_prepared(kFindStatement, id));
}

std::vector<User> list(pqxx::transaction_base& tx, validation::Page const& page)
{
    auto const rows = tx.exec_params(kList, page.limit, page.offset);
    std::vector<User> users;
    users.reserve(rows.size());
    for (auto const& row : rows)
        users.push_back(user_of(row));
    return users;
}

std::int64_t count(pqxx::transaction_base& tx)
{
    return tx.exec("SELECT count(*) FROM users")[0][0].as<std::int64_t>();
}

std::optional<User> update(pqxx::work& tx, std::string const& id, Update const& changes)
{
    return first_user(
        tx.exec_params(kUpdate, id, changes.email, changes.name, changes.password_hash));
}

std::optional<std::string> remove(pqxx::work& tx, std::string const& id)
{
    auto const deleted =
        tx.exec_params("DELETE FROM users WHERE id = $1::uuid RETURNING id::text", id);
    if (deleted.empty())
        return std::nullopt;
    return deleted[0][0].as<std::string>();
}

} // namespace shop::user::store
