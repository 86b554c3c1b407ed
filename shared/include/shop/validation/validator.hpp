#pragma once
// Request-body validation with class-validator's messages, so clients written for the
// NestJS original read the same 400s: every broken rule is collected, then one
// http::Error{400, [messages...]} is thrown.
//
//   Validator v{req.json()};
//   auto email = v.string("email").not_empty().max_length(255).email().value();
//   v.only({"email", "name", "password"});
//   v.done();   // throws when anything above failed
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::validation {

class Validator;

// Rules on one string property; each adds a message when broken (once a property is
// missing or not a string, its other rules are skipped).
class StringRules {
public:
    StringRules& not_empty();
    StringRules& min_length(std::size_t n);
    StringRules& max_length(std::size_t n);
    StringRules& email();
    StringRules& uuid();
    // `message` is the whole text shown when the value does not match.
    StringRules& matches(bool (*predicate)(std::string_view), std::string_view message);
    // The value when every rule held, else nullopt.
    std::optional<std::string> value() const;

private:
    friend class Validator;
    StringRules(Validator& owner, std::string path, nlohmann::json const* value, bool optional);
    bool active() const;
    void fail(std::string message);

    Validator& owner_;
    std::string path_;
    std::optional<std::string> value_;
    bool ok_ = true;
};

class Validator {
public:
    // A body that is not a JSON object fails with one message. The validator keeps its own
    // copy, so `Validator v{req.json()}` is safe.
    explicit Validator(nlohmann::json body, std::string prefix = {});

    // A required string property (optional: absent is fine, present must obey the rules).
    StringRules string(std::string_view key, bool optional = false);
    // An integer within [min, max].
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
    // A number with at most two decimals within [min, max] cents, returned in cents.
    std::optional<std::int64_t> amount(std::string_view key, std::int64_t min_cents,
                                       std::int64_t max_cents);
    // An array of [min, max] elements; nullptr when absent or wrong.
    nlohmann::json const* array(std::string_view key, std::size_t min, std::size_t max);
    // Properties other than these are refused ("property x should not exist").
    void only(std::initializer_list<std::string_view> allowed);
    // A nested validator for an object element, prefixing its messages ("items.0.price ...").
    Validator nested(nlohmann::json const& element, std::string const& path);

    void add(std::string message) { messages_->push_back(std::move(message)); }
    bool ok() const { return messages_->empty(); }
    std::vector<std::string> const& messages() const { return *messages_; }
    // Throws http::Error{400, messages} when any rule failed.
    void done() const;

    nlohmann::json const* find(std::string_view key) const;
    std::string path(std::string_view key) const { return prefix_ + std::string{key}; }

private:
    Validator(nlohmann::json body, std::string prefix,
              std::shared_ptr<std::vector<std::string>> messages);

    nlohmann::json body_;
    std::string prefix_;
    std::shared_ptr<std::vector<std::string>> messages_; // shared with nested validators
};

bool is_email(std::string_view text);
bool is_uuid(std::string_view text);

} // namespace shop::validation
