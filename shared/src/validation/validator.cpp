#include <shop/events/money.hpp>
#include <shop/http/error.hpp>
#include <shop/validation/validator.hpp>

#include <fmt/format.h>

#include <cctype>

namespace shop::validation {
namespace {

bool is_local_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view{".!#$%&'*+/=?^_`{|}~-"}.find(c) != std::string_view::npos;
}

bool is_label(std::string_view label)
{
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
        return false;
    for (char const c : label)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
            return false;
    return true;
}

} // namespace

bool is_email(std::string_view text)
{
    auto const at = text.rfind('@');
    if (at == std::string_view::npos || at == 0 || at > 64)
        return false;
    auto const local = text.substr(0, at);
    auto const domain = text.substr(at + 1);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
        return false;
    for (char const c : local)
        if (!is_local_char(c))
            return false;
    auto const last_dot = domain.rfind('.');
    if (last_dot == std::string_view::npos || domain.size() > 253)
        return false;
    std::string_view rest = domain;
    for (;;) {
        auto const dot = rest.find('.');
        if (!is_label(rest.substr(0, dot)))
            return false;
        if (dot == std::string_view::npos)
            break;
        rest = rest.substr(dot + 1);
    }
    auto const tld = domain.substr(last_dot + 1);
    if (tld.size() < 2)
        return false;
    for (char const c : tld)
        if (!std::isalpha(static_cast<unsigned char>(c)))
            return false;
    return true;
}

bool is_uuid(std::string_view text)
{
    if (text.size() != 36)
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool const dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i])))
            return false;
    }
    return true;
}

StringRules::StringRules(Validator& owner, std::string path, nlohmann::json const* value,
                         bool optional)
    : owner_{owner}, path_{std::move(path)}
{
    if (!value) {
        if (!optional)
            fail(path_ + " should not be empty");
        return; // an absent optional property is fine
    }
    if (!value->is_string()) {
        fail(value->is_null() && !optional ? path_ + " should not be empty"
                                           : path_ + " must be a string");
        return;
    }
    value_ = value->get<std::string>();
}

bool StringRules::active() const
{
    return ok_ && value_.has_value();
}

void StringRules::fail(std::string message)
{
    ok_ = false;
    owner_.add(std::move(message));
}

StringRules& StringRules::not_empty()
{
    if (active() && value_->empty())
        fail(path_ + " should not be empty");
    return *this;
}

StringRules& StringRules::min_length(std::size_t n)
{
    // Lengths count characters (UTF-8 code points), as JavaScript users expect.
    if (active() && n > 0) {
        std::size_t chars = 0;
        for (unsigned char const c : *value_)
            chars += (c & 0xc0) != 0x80;
        if (chars < n)
            fail(fmt::format("{} must be longer than or equal to {} characters", path_, n));
    }
    return *this;
}

StringRules& StringRules::max_length(std::size_t n)
{
    if (active()) {
        std::size_t chars = 0;
        for (unsigned char const c : *value_)
            chars += (c & 0xc0) != 0x80;
        if (chars > n)
            fail(fmt::format("{} must be shorter than or equal to {} characters", path_, n));
    }
    return *this;
}

StringRules& StringRules::email()
{
    if (active() && !is_email(*value_))
        fail(path_ + " must be an email");
    return *this;
}

StringRules& StringRules::uuid()
{
    if (active() && !is_uuid(*value_))
        fail(path_ + " must be a UUID");
    return *this;
}

StringRules& StringRules::matches(bool (*predicate)(std::string_view), std::string_view message)
{
    if (active() && !predicate(*value_))
        fail(path_ + " " + std::string{message});
    return *this;
}

std::optional<std::string> StringRules::value() const
{
    return ok_ ? value_ : std::nullopt;
}

Validator::Validator(nlohmann::json body, std::string prefix)
    : Validator{std::move(body), std::move(prefix), std::make_shared<std::vector<std::string>>()}
{}

// body_ is initialised with parentheses: braces would make a one-element JSON array of it.
Validator::Validator(nlohmann::json body, std::string prefix,
                     std::shared_ptr<std::vector<std::string>> messages)
    : body_(std::move(body)), prefix_{std::move(prefix)}, messages_{std::move(messages)}
{
    if (!body_.is_object())
        add(prefix_.empty() ? "request body must be a JSON object"
                            : prefix_.substr(0, prefix_.size() - 1) + " must be an object");
}

nlohmann::json const* Validator::find(std::string_view key) const
{
    if (!body_.is_object())
        return nullptr;
    auto const it = body_.find(key);
    return it == body_.end() ? nullptr : &*it;
}

StringRules Validator::string(std::string_view key, bool optional)
{
    if (!body_.is_object())
        return StringRules{*this, path(key), nullptr, true}; // the body's own message says it
    return StringRules{*this, path(key), find(key), optional};
}

std::optional<std::int64_t> Validator::integer(std::string_view key, std::int64_t min,
                                               std::int64_t max)
{
    auto const* value = find(key);
    if (!body_.is_object())
        return std::nullopt;
    if (!value || !value->is_number_integer()) {
        add(path(key) + " must be an integer number");
        return std::nullopt;
    }
    auto const n = value->get<std::int64_t>();
    if (value->is_number_unsigned() &&
        value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        add(fmt::format("{} must not be greater than {}", path(key), max));
        return std::nullopt;
    }
    if (n < min)
        add(fmt::format("{} must not be less than {}", path(key), min));
    else if (n > max)
        add(fmt::format("{} must not be greater than {}", path(key), max));
    else
        return n;
    return std::nullopt;
}

std::optional<std::int64_t> Validator::amount(std::string_view key, std::int64_t min_cents,
                                              std::int64_t max_cents)
{
    auto const* value = find(key);
    if (!body_.is_object())
        return std::nullopt;
    auto const money = value ? events::Money::from_json(*value) : std::nullopt;
    if (!money) {
        add(path(key) + " must be a number conforming to the specified constraints");
        return std::nullopt;
    }
    if (money->cents() < min_cents)
        add(fmt::format("{} must not be less than {}", path(key),
                        events::Money::from_cents(min_cents).to_string()));
    else if (money->cents() > max_cents)
        add(fmt::format("{} must not be greater than {}", path(key),
                        events::Money::from_cents(max_cents).to_string()));
    else
        return money->cents();
    return std::nullopt;
}

nlohmann::json const* Validator::array(std::string_view key, std::size_t min, std::size_t max)
{
    auto const* value = find(key);
    if (!body_.is_object())
        return nullptr;
    if (!value || !value->is_array()) {
        add(path(key) + " must be an array");
        return nullptr;
    }
    if (value->size() < min) {
        add(fmt::format("{} must contain at least {} elements", path(key), min));
        return nullptr;
    }
    if (value->size() > max) {
        add(fmt::format("{} must contain no more than {} elements", path(key), max));
        return nullptr;
    }
    return value;
}

void Validator::only(std::initializer_list<std::string_view> allowed)
{
    if (!body_.is_object())
        return;
    for (auto const& [key, value] : body_.items()) {
        bool known = false;
        for (auto const name : allowed)
            known = known || key == name;
        if (!known)
            add("property " + path(key) + " should not exist");
    }
}

Validator Validator::nested(nlohmann::json const& element, std::string const& path)
{
    return Validator{element, path + ".", messages_};
}

void Validator::done() const
{
    if (!messages_->empty())
        throw http::Error{http::Status::bad_request, *messages_};
}

} // namespace shop::validation
