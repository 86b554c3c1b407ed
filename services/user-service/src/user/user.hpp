#pragma once
// The user as the service knows it, and the inputs that create, change and page through users.
#include <shop/events/envelope.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace shop::user {

inline constexpr std::string_view kDefaultRole = "user";

// Never holds the password or its hash: what is read from the store is safe to show.
struct User {
    std::string id;
    std::string email;
    std::string name;
    std::string role;
    events::Clock::time_point created_at;
    events::Clock::time_point updated_at;
};

// A validated registration; `password` is the plain text, to be hashed before storing.
struct NewUser {
    std::string email;
    std::string name;
    std::string password;
};

// A validated update: only the fields present change (at least one is).
struct UserChanges {
    std::optional<std::string> email;
    std::optional<std::string> name;
    std::optional<std::string> password;
};

// {"id","email","name","role","createdAt","updatedAt"}, times in RFC 3339 with ms, UTC.
nlohmann::ordered_json to_json(User const& user);

} // namespace shop::user
