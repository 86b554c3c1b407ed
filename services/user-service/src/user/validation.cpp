#include "user/validation.hpp"

#include <shop/http/error.hpp>
#include <shop/validation/validator.hpp>

#include <cctype>
#include <cstdint>
#include <vector>

namespace shop::user {
namespace {

constexpr std::string_view kPasswordRule =
    "must contain a lower case letter, an upper case letter and a digit";

// The rules shared by registration and update; `optional` lets a property be absent.
UserChanges check_fields(validation::Validator& v, bool optional)
{
    UserChanges f;
    f.email = v.string("email", optional).not_empty().max_length(255).email().value();
    f.name = v.string("name", optional).not_empty().max_length(100).value();
    f.password = v.string("password", optional)
                     .min_length(8)
                     .max_length(128)
                     .matches(is_strong_password, kPasswordRule)
                     .value();
    v.only({"email", "name", "password"});
    return f;
}

} // namespace

bool is_strong_password(std::string_view password)
{
    bool lower = false, upper = false, digit = false;
    for (unsigned char const c : password) {
        lower = lower || std::islower(c);
        upper = upper || std::isupper(c);
        digit = digit || std::isdigit(c);
    }
    return lower && upper && digit;
}

NewUser parse_new_user(nlohmann::json const& body)
{
    validation::Validator v{body};
    auto f = check_fields(v, false);
    v.done();
    return {std::move(*f.email), std::move(*f.name), std::move(*f.password)};
}

UserChanges parse_user_changes(nlohmann::json const& body)
{
    validation::Validator v{body};
    auto changes = check_fields(v, true);
    if (v.ok() && !v.find("email") && !v.find("name") && !v.find("password"))
        v.add("at least one of email, name, password must be given");
    v.done();
    return changes;
}

std::string parse_user_id(std::string id)
{
    if (!validation::is_uuid(id))
        throw http::Error{http::Status::bad_request, "Validation failed (uuid is expected)"};
    return id;
}

} // namespace shop::user
