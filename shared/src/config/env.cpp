#include <shop/config/env.hpp>
#include <shop/text/case.hpp>
#include <shop/text/list.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <span>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace shop::config {
namespace {

using text::iequals;
using text::istarts_with;
using text::trim;

constexpr std::string_view kSpace = " \t\r";

std::string_view trim_left(std::string_view s)
{
    auto const first = s.find_first_not_of(kSpace);
    return first == std::string_view::npos ? std::string_view{} : s.substr(first);
}

// ---- .env parsing ----------------------------------------------------------------------------

[[noreturn]] void malformed(std::size_t line, std::string_view what)
{
    throw Error{fmt::format("line {}: {}", line, what)};
}

bool is_key_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

// After a closing quote only whitespace or a comment may follow.
void expect_end(std::string_view rest, std::size_t line)
{
    rest = trim(rest);
    if (!rest.empty() && rest.front() != '#') {
        malformed(line, "unexpected text after the closing quote");
    }
}

std::string double_quoted(std::string_view text, std::size_t line)
{
    std::string value;
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto const c = text[i];
        if (c == '"') {
            expect_end(text.substr(i + 1), line);
            return value;
        }
        if (c != '\\' || i + 1 == text.size()) {
            value += c;
            continue;
        }
        switch (auto const next = text[++i]) {
        case 'n':
            value += '\n';
            break;
        case 'r':
            value += '\r';
            break;
        case 't':
            value += '\t';
            break;
        case '"':
            value += '"';
            break;
        case '\\':
            value += '\\';
            break;
        default:
            value += '\\';
            value += next; // unknown escapes stay as written
        }
    }
    malformed(line, "unterminated double-quoted value");
}

std::string single_quoted(std::string_view text, std::size_t line)
{
    auto const close = text.find('\'');
    if (close == std::string_view::npos) {
        malformed(line, "unterminated single-quoted value");
    }
    expect_end(text.substr(close + 1), line);
    return std::string{text.substr(0, close)};
}

// An unquoted value ends at a `#` that follows whitespace: `C=#fff` keeps it, `C= #note` is empty.
std::string unquoted(std::string_view after_equals)
{
    for (std::size_t i = 1; i < after_equals.size(); ++i) {
        if (after_equals[i] == '#' && (after_equals[i - 1] == ' ' || after_equals[i - 1] == '\t')) {
            return std::string{trim(after_equals.substr(0, i))};
        }
    }
    return std::string{trim(after_equals)};
}

void parse_dotenv_line(std::string_view text, std::size_t line, Vars& vars)
{
    text = trim(text);
    if (text.empty() || text.front() == '#') {
        return;
    }
    if (text.starts_with("export") && text.size() > 6 && (text[6] == ' ' || text[6] == '\t')) {
        text = trim_left(text.substr(6));
    }
    auto const key_end = std::find_if_not(text.begin(), text.end(), is_key_char) - text.begin();
    auto const key = text.substr(0, key_end);
    auto const rest = trim_left(text.substr(key_end));
    if (key.empty() || rest.empty() || rest.front() != '=') {
        malformed(line, "expected KEY=VALUE");
    }
    if (key.front() >= '0' && key.front() <= '9') {
        malformed(line, "a variable name cannot start with a digit");
    }
    auto const value = trim(rest.substr(1));
    if (value.starts_with('"')) {
        vars.insert_or_assign(std::string{key}, double_quoted(value.substr(1), line));
    } else if (value.starts_with('\'')) {
        vars.insert_or_assign(std::string{key}, single_quoted(value.substr(1), line));
    } else {
        vars.insert_or_assign(std::string{key}, unquoted(rest.substr(1)));
    }
}

// ---- value parsing ---------------------------------------------------------------------------

// `"value"` with quotes, backslashes and control characters escaped, so the message stays one line.
std::string escaped_quoted(std::string_view value)
{
    std::string out = "\"";
    for (auto const c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

[[noreturn]] void invalid(std::string_view name, std::string_view value, std::string_view expected)
{
    throw Error{fmt::format("{}={}: expected {}", name, escaped_quoted(value), expected)};
}

// The whole string as a number: no sign for unsigned, no spaces, no trailing junk, no overflow.
template <class T>
std::optional<T> parse_number(std::string_view text)
{
    T value{};
    auto const* const end = text.data() + text.size();
    auto const [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

struct Unit {
    std::string_view suffix;
    std::uint64_t factor;
};

constexpr Unit kMillisUnits[] = {{"", 1},       {"ms", 1},        {"s", 1'000},
                                 {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
constexpr Unit kSecondsUnits[] = {{"", 1}, {"s", 1}, {"m", 60}, {"h", 3'600}, {"d", 86'400}};
constexpr Unit kByteUnits[] = {
    {"", 1},           {"b", 1}, {"kb", 1ULL << 10}, {"mb", 1ULL << 20}, {"gb", 1ULL << 30},
    {"tb", 1ULL << 40}};

// Digits followed by one of `units` (case-insensitive), scaled; nullopt when malformed or > max.
std::optional<std::uint64_t> parse_scaled(std::string_view text, std::span<Unit const> units,
                                          std::uint64_t max)
{
    auto const digits =
        std::find_if_not(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) -
        text.begin();
    auto const number = parse_number<std::uint64_t>(text.substr(0, digits));
    auto const suffix = text.substr(digits);
    auto const unit = std::find_if(units.begin(), units.end(),
                                   [&](Unit const& u) { return iequals(u.suffix, suffix); });
    if (!number || unit == units.end() || *number > max / unit->factor) {
        return std::nullopt;
    }
    return *number * unit->factor;
}

bool is_host_char(char c)
{
    return is_key_char(c) || c == '~' || c == '%';
}

bool is_valid_port(std::string_view text)
{
    auto const port = parse_number<std::uint32_t>(text);
    return port && *port >= 1 && *port <= 65535;
}

bool is_http_url(std::string_view url)
{
    std::string_view rest;
    if (istarts_with(url, "http://")) {
        rest = url.substr(7);
    } else if (istarts_with(url, "https://")) {
        rest = url.substr(8);
    } else {
        return false;
    }
    if (std::any_of(url.begin(), url.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
        return false;
    }
    auto authority = rest.substr(0, rest.find_first_of("/?#"));
    if (auto const at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    if (authority.starts_with('[')) { // an IPv6 literal
        auto const close = authority.find(']');
        if (close == std::string_view::npos || close < 3) {
            return false;
        }
        auto const after = authority.substr(close + 1);
        return after.empty() || (after.front() == ':' && is_valid_port(after.substr(1)));
    }
    auto host = authority;
    if (auto const colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        if (!is_valid_port(authority.substr(colon + 1))) {
            return false;
        }
    }
    return !host.empty() && std::all_of(host.begin(), host.end(), is_host_char);
}

// `from_env_file`: whether ENV_FILE named the file, for the error message.
std::string read_file(std::string const& path, bool from_env_file)
{
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        auto const reason = std::strerror(errno);
        throw Error{from_env_file ? fmt::format("ENV_FILE={}: expected a readable .env file ({})",
                                                escaped_quoted(path), reason)
                                  : fmt::format("{}: cannot read ({})", path, reason)};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

Vars process_environment()
{
    Vars vars;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view const text{*entry};
        if (auto const eq = text.find('='); eq != std::string_view::npos && eq > 0) {
            vars.emplace(text.substr(0, eq), text.substr(eq + 1));
        }
    }
    return vars;
}

} // namespace

Vars parse_dotenv(std::string_view text)
{
    Vars vars;
    std::size_t line = 0;
    for (std::size_t pos = 0; pos <= text.size(); ++line) {
        auto const eol = std::min(text.find('\n', pos), text.size());
        parse_dotenv_line(text.substr(pos, eol - pos), line + 1, vars);
        pos = eol + 1;
    }
    return vars;
}

Env::Env(Vars vars) : vars_{std::move(vars)} {}

Env Env::from_process()
{
    auto vars = process_environment();
    auto const env_file = vars.find("ENV_FILE");
    auto const named = env_file != vars.end() && !env_file->second.empty();
    if (!named && ::access(".env", F_OK) != 0) {
        return Env{std::move(vars)};
    }
    auto const path = named ? env_file->second : std::string{".env"};
    auto const text = read_file(path, named);
    Vars file;
    try {
        file = parse_dotenv(text);
    } catch (Error const& e) {
        throw Error{fmt::format("{}: {}", path, e.what())};
    }
    for (auto& [name, value] : file) {
        auto& slot = vars[name];
        if (slot.empty()) { // an empty variable counts as unset, so the file may fill it
            slot = std::move(value);
        }
    }
    return Env{std::move(vars)};
}

std::optional<std::string> Env::raw(std::string_view name) const
{
    auto const it = vars_.find(name);
    if (it == vars_.end() || it->second.empty()) {
        return std::nullopt;
    }
    return it->second;
}

std::string Env::string(std::string_view name, std::string_view fallback) const
{
    return raw(name).value_or(std::string{fallback});
}

std::int64_t Env::integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                          std::int64_t max) const
{
    auto const value = raw(name);
    if (!value) {
        return fallback;
    }
    auto const number = parse_number<std::int64_t>(*value);
    if (!number || *number < min || *number > max) {
        invalid(name, *value, fmt::format("an integer from {} to {}", min, max));
    }
    return *number;
}

std::uint16_t Env::port(std::string_view name, std::uint16_t fallback) const
{
    auto const value = raw(name);
    if (!value) {
        return fallback;
    }
    auto const number = parse_number<std::uint16_t>(*value);
    if (!number) {
        invalid(name, *value, "a port from 0 to 65535");
    }
    return *number;
}

std::chrono::milliseconds Env::millis(std::string_view name,
                                      std::chrono::milliseconds fallback) const
{
    auto const value = raw(name);
    if (!value) {
        return fallback;
    }
    auto const ms = parse_scaled(*value, kMillisUnits, std::numeric_limits<std::int64_t>::max());
    if (!ms) {
        invalid(name, *value, "a duration like 500ms, 10s or 2m (a plain number is milliseconds)");
    }
    return std::chrono::milliseconds{static_cast<std::int64_t>(*ms)};
}

std::chrono::seconds Env::seconds(std::string_view name, std::chrono::seconds fallback) const
{
    auto const value = raw(name);
    if (!value) {
        return fallback;
    }
    auto const s = parse_scaled(*value, kSecondsUnits, std::numeric_limits<std::int64_t>::max());
    if (!s) {
        invalid(name, *value, "a duration like 30s, 15m, 1h or 7d (a plain number is seconds)");
    }
    return std::chrono::seconds{static_cast<std::int64_t>(*s)};
}

std::size_t Env::bytes(std::string_view name, std::size_t fallback) const
{
    auto const value = raw(name);
    if (!value) {
        return fallback;
    }
    auto const size = parse_scaled(*value, kByteUnits, std::numeric_limits<std::size_t>::max());
    if (!size) {
        invalid(name, *value, "a size like 1048576, 100kb, 1mb or 1gb");
    }
    return static_cast<std::size_t>(*size);
}

bool Env::boolean(std::string_view name, bool fallback) const
{
    auto const value = raw(name);
    if (!value) {
        return fallback;
    }
    for (auto const yes : {"true", "1", "yes", "on"}) {
        if (iequals(*value, yes)) {
            return true;
        }
    }
    for (auto const no : {"false", "0", "no", "off"}) {
        if (iequals(*value, no)) {
            return false;
        }
    }
    invalid(name, *value, "true/false, 1/0, yes/no or on/off");
}

std::string Env::one_of(std::string_view name, std::string_view fallback,
                        std::initializer_list<std::string_view> choices) const
{
    auto const value = raw(name);
    if (!value) {
        return std::string{fallback};
    }
    for (auto const choice : choices) {
        if (iequals(*value, choice)) {
            return std::string{choice};
        }
    }
    invalid(name, *value, fmt::format("one of: {}", fmt::join(choices, ", ")));
}

std::string Env::url(std::string_view name, std::string_view fallback) const
{
    auto value = raw(name);
    if (!value) {
        return std::string{fallback};
    }
    if (!is_http_url(*value)) {
        invalid(name, *value, "an http:// or https:// URL with a host");
    }
    return std::move(*value);
}

} // namespace shop::config
