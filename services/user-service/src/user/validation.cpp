#include "user/validation.hpp"

#include <shop/http/error.hpp>
#include <shop/validation/validator.hpp>

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <vector>

namespace shop::user {
namespace {

constexpr std::int64_t kMaxOffset = std::numeric_limits<std::int64_t>::max();

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

// One query integer: nullopt (with a message added) when it is not one or out of range.
std::optional<std::int64_t> query_integer(std::vector<std::string>& messages, std::string_view name,
                                          std::string const& text, std::int64_t min,
                                          std::int64_t max)
{
    std::int64_t value = 0;
    auto const* const end = text.data() + text.size();
    auto const [stop, error] = std::from_chars(text.data(), end, value);
    bool const overflow = error == std::errc::result_out_of_range;
    if (text.empty() || stop != end || (error != std::errc{} && !overflow)) {
        messages.push_back(fmt::format("{} must be an integer number", name));
        return std::nullopt;
    }
    if (overflow ? text.front() == '-' : value < min) {
        messages.push_back(fmt::format("{} must not be less than {}", name, min));
        return std::nullopt;
    }
    if (overflow || value > max) {
        messages.push_back(fmt::format("{} must not be greater than {}", name, max));
        return std::nullopt;
    }
    return value;
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

Page parse_page(std::optional<std::string> const& limit, std::optional<std::string> const& offset)
{
    Page page;
    std::vector<std::string> messages;
    if (limit)
        page.limit = query_integer(messages, "limit", *limit, 1, 100).value_or(page.limit);
    if (offset)
        page.offset = query_integer(messages, "offset", *offset, 0, kMaxOffset).value_or(0);
    if (!messages.empty())
        throw http::Error{http::Status::bad_request, std::move(messages)};
    return page;
}

std::string parse_user_id(std::string id)
{
    if (!validation::is_uuid(id))
        throw http::Error{http::Status::bad_request, "Validation failed (uuid is expected)"};
    return id;
}

} // namespace shop::user
