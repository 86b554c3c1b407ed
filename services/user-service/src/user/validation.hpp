#pragma once
// The request rules of seed 002, with class-validator's messages: every broken rule is
// collected and thrown as one http::Error{400, [messages...]}.
#include "user/user.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace shop::user {

// A lower case letter, an upper case letter and a digit.
bool is_strong_password(std::string_view password);

// POST /api/users: {email, name, password}, nothing else.
NewUser parse_new_user(nlohmann::json const& body);

// PUT /api/users/:id: {email?, name?, password?} under the same rules, at least one given.
UserChanges parse_user_changes(nlohmann::json const& body);

// A path id: a UUID, else 400 "Validation failed (uuid is expected)" as ParseUUIDPipe says.
std::string parse_user_id(std::string id);

} // namespace shop::user
