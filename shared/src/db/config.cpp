#include <shop/db/config.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace shop::db {
namespace {

bool has_uri_prefix(std::string_view url)
{
    return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

bool is_printable_ascii_without_space(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) {
        auto const u = static_cast<unsigned char>(c);
        return u > ' ' && u != 0x7f;
    });
}

// Whether the URL's query already sets `key` (libpq reads ?key=value&...).
bool query_sets(std::string_view url, std::string_view key)
{
    auto const question = url.find('?');
    if (question == std::string_view::npos) {
        return false;
    }
    auto query = url.substr(question + 1);
    while (!query.empty()) {
        auto const amp = std::min(query.find('&'), query.size());
        auto const pair = query.substr(0, amp);
        if (pair.starts_with(key) && (pair.size() == key.size() || pair[key.size()] == '=')) {
            return true;
        }
        query.remove_prefix(std::min(amp + 1, query.size()));
    }
    return false;
}

// libpq counts connect_timeout in whole seconds and treats anything below 2 as 2.
long timeout_seconds(std::chrono::milliseconds timeout)
{
    auto const seconds = (timeout.count() + 999) / 1000;
    return std::max<long>(2, static_cast<long>(seconds));
}

std::chrono::milliseconds positive_millis(config::Env const& env, std::string_view name,
                                          std::chrono::milliseconds fallback)
{
    auto const value = env.millis(name, fallback);
    if (value.count() <= 0) {
        throw config::Error{fmt::format("{}=\"{}\": expected a duration above 0 like 3000 or 3s",
                                        name, env.string(name, ""))};
    }
    return value;
}

// The URL with the password in its user info replaced by ***.
std::string mask_url_password(std::string_view url)
{
    auto const scheme_end = url.find("://");
    auto const authority_begin = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    auto const authority_end = std::min(url.find_first_of("/?", authority_begin), url.size());
    auto const at = url.substr(0, authority_end).rfind('@');
    if (at == std::string_view::npos || at < authority_begin) {
        return std::string{url};
    }
    auto const colon = url.substr(0, at).find(':', authority_begin);
    if (colon == std::string_view::npos) {
        return std::string{url};
    }
    return fmt::format("{}***{}", url.substr(0, colon + 1), url.substr(at));
}

} // namespace

Config Config::from_env(config::Env const& env, std::string_view default_database)
{
    Config c;
    if (auto url = env.raw("DATABASE_URL")) {
        // The value is not echoed: it may hold a password.
        if (!has_uri_prefix(*url) || !is_printable_ascii_without_space(*url)) {
            throw config::Error{"DATABASE_URL: expected a URL like "
                                "postgresql://user:password@host:5432/database"};
        }
        c.url = std::move(*url);
    }
    c.host = env.string("DB_HOST", c.host);
    c.port = static_cast<std::uint16_t>(env.integer("DB_PORT", c.port, 1, 65535));
    c.user = env.string("DB_USERNAME", c.user);
    c.password = env.string("DB_PASSWORD", c.password);
    c.database = env.string("DB_DATABASE", default_database);
    c.pool_size = static_cast<std::size_t>(env.integer("DB_POOL_SIZE", 10, 1, 100));
    c.connect_timeout = positive_millis(env, "DB_CONNECT_TIMEOUT_MS", c.connect_timeout);
    c.acquire_timeout = positive_millis(env, "DB_ACQUIRE_TIMEOUT_MS", c.acquire_timeout);
    return c;
}

std::string Config::connection_string() const
{
    auto const timeout = timeout_seconds(connect_timeout);
    if (!url.empty()) {
        if (query_sets(url, "connect_timeout")) {
            return url;
        }
        auto const separator = url.find('?') == std::string::npos ? '?' : '&';
        return fmt::format("{}{}connect_timeout={}", url, separator, timeout);
    }
    return fmt::format("host={} port={} user={} password={} dbname={} connect_timeout={}",
                       quote_conninfo_value(host), port, quote_conninfo_value(user),
                       quote_conninfo_value(password), quote_conninfo_value(database), timeout);
}

std::string Config::describe() const
{
    if (!url.empty()) {
        return mask_url_password(url);
    }
    return fmt::format("{}@{}:{}/{}", user, host, port, database);
}

std::string quote_conninfo_value(std::string_view value)
{
    std::string out = "'";
    for (auto const c : value) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '\'';
    return out;
}

} // namespace shop::db
