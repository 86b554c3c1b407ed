#pragma once
// The users table. Every statement is parameterised; none reads the password hash back.
// The reads take any kind of transaction, Pool::read's too; the writes a pqxx::work.
#include "user/user.hpp"

#include <shop/validation/paging.hpp>

#include <pqxx/connection>
#include <pqxx/transaction>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shop::user::store {

// Throws pqxx::unique_violation when the email is taken, whatever its case.
User insert(pqxx::work& tx, std::string const& email, std::string const& name,
            std::string const& password_hash);

// Prepares the statements that run prepared on a new connection (the pool's ConnectHook).
void prepare(pqxx::connection& connection);

std::optional<User> find(pqxx::transaction_base& tx, std::string const& id);

// Ordered by creation time, then id.
std::vector<User> list(pqxx::transaction_base& tx, validation::Page const& page);
std::int64_t count(pqxx::transaction_base& tx);

// The fields to change; absent ones keep their value.
struct Update {
    std::optional<std::string> email;
    std::optional<std::string> name;
    std::optional<std::string> password_hash;
};

// The changed user, nullopt when there is none with this id. Throws pqxx::unique_violation
// when the new email is taken.
std::optional<User> update(pqxx::work& tx, std::string const& id, Update const& changes);

// The deleted user's id as stored (lower case), nullopt when there was none with this id.
std::optional<std::string> remove(pqxx::work& tx, std::string const& id);

} // namespace shop::user::store
