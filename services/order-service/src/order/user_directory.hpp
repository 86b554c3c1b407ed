#pragma once
// Asks the user-service whether a user exists (GET /api/users/:id), for an order whose
// user this service has not heard of yet. Blocking, with one deadline for the whole call:
// run it on the blocking pool.
#include "order/store.hpp"

#include <shop/config/env.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <variant>

namespace shop::order {

struct UserDirectoryConfig {
    std::string host = "localhost";
    std::string port = "3001";
    std::string base_path; // a path prefix of USER_SERVICE_URL, without the trailing slash
    std::chrono::milliseconds timeout{2'000};
    std::string api_key; // sent as x-api-key when set

    // USER_SERVICE_URL (http only), USER_SERVICE_TIMEOUT_MS, API_KEY.
    static UserDirectoryConfig from_env(config::Env const& env);
};

struct UserFound {
    store::User user;
};
struct UserNotFound {};
struct UserServiceDown {
    std::string why;
};
using UserLookup = std::variant<UserFound, UserNotFound, UserServiceDown>;

class UserDirectory {
public:
    explicit UserDirectory(UserDirectoryConfig config) : config_{std::move(config)} {}

    UserLookup find(std::string const& user_id, std::string const& request_id) const;

private:
    UserDirectoryConfig config_;
};

} // namespace shop::order
