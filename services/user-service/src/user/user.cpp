#include "user/user.hpp"

namespace shop::user {

nlohmann::ordered_json to_json(User const& user)
{
    return {{"id", user.id},
            {"email", user.email},
            {"name", user.name},
            {"role", user.role},
            {"createdAt", events::format_time(user.created_at)},
            {"updatedAt", events::format_time(user.updated_at)}};
}

} // namespace shop::user
