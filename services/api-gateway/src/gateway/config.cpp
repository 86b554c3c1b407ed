#include "gateway/config.hpp"

#include "gateway/docs.hpp"

#include <shop/text/list.hpp>

#include <boost/url/parse.hpp>

namespace shop::gateway {
namespace {

using std::chrono::milliseconds;

[[noreturn]] void bad(config::Env const& env, std::string_view name, std::string_view expected)
{
    throw config::Error{std::string{name} + "=\"" + env.raw(name).value_or("") + "\": expected " +
                        std::string{expected}};
}

milliseconds positive_millis(config::Env const& env, std::string_view name, milliseconds fallback)
{
    auto const value = env.millis(name, fallback);
    if (value < milliseconds{1} || value > std::chrono::hours{24})
        bad(env, name, "a duration from 1 ms to 24 h");
    return value;
}

UpstreamConfig upstream(config::Env const& env, std::string_view variable, std::string name,
                        std::string prefix, std::string_view fallback)
{
    auto const text = env.url(variable, fallback);
    auto const url = boost::urls::parse_uri(text);
    if (!url || url->scheme() != "http" || url->has_query())
        bad(env, variable, "an http:// URL without a query");
    UpstreamConfig u{std::move(name), std::move(prefix), url->host(),
                     url->has_port() ? std::string{url->port()} : "80", url->path()};
    if (u.host.size() > 2 && u.host.front() == '[') // an IPv6 literal
        u.host = u.host.substr(1, u.host.size() - 2);
    while (!u.base_path.empty() && u.base_path.back() == '/')
        u.base_path.pop_back();
    return u;
}

std::vector<std::string> comma_list(std::string_view list)
{
    std::vector<std::string> items;
    for (auto item : text::split_list(list)) {
        while (!item.empty() && item.back() == '/')
            item.remove_suffix(1); // an origin has no path: "https://a.example/" means the same
        if (!item.empty())
            items.emplace_back(item);
    }
    return items;
}

} // namespace

std::string UpstreamConfig::host_header() const
{
    // An IPv6 literal (the URL's brackets were taken off for the resolver) gets them back.
    auto authority = host.find(':') == std::string::npos ? host : "[" + host + "]";
    return port == "80" ? authority : authority + ":" + port;
}

Config Config::from_env(config::Env const& env)
{
    Config c;
    c.upstreams = {
        upstream(env, "USER_SERVICE_URL", "user-service", "/api/users", "http://localhost:3001"),
        upstream(env, "ORDER_SERVICE_URL", "order-service", "/api/orders", "http://localhost:3002"),
        upstream(env, "PAYMENT_SERVICE_URL", "payment-service", "/api/payments",
                 "http://localhost:3003"),
    };
    // AppConfig, read first, refuses the development default in production.
    c.api_key = env.string("API_KEY", kDefaultApiKey);
    for (char const ch : c.api_key)
        if (ch < 0x21 || ch > 0x7e)
            throw config::Error{"API_KEY: expected visible ASCII characters only"};

    c.timeout = positive_millis(env, "UPSTREAM_TIMEOUT_MS", milliseconds{5'000});
    c.pool.connect_timeout =
        positive_millis(env, "UPSTREAM_CONNECT_TIMEOUT_MS", milliseconds{2'000});
    c.pool.max_connections =
        static_cast<std::size_t>(env.integer("UPSTREAM_POOL_SIZE", 64, 1, 10'000));
    c.pool.max_waiters =
        static_cast<std::size_t>(env.integer("UPSTREAM_MAX_WAITERS", 256, 0, 100'000));
    c.pool.response_limit = env.bytes("UPSTREAM_RESPONSE_LIMIT", 16 * 1024 * 1024);
    if (c.pool.response_limit < 1024 || c.pool.response_limit > (std::size_t{1} << 30))
        bad(env, "UPSTREAM_RESPONSE_LIMIT", "a size from 1kb to 1gb");

    c.breaker.threshold = static_cast<std::uint32_t>(env.integer("CB_THRESHOLD", 5, 1, 1'000'000));
    c.slow_call = positive_millis(env, "CB_TIMEOUT", milliseconds{2'000});
    c.breaker.reset_timeout = positive_millis(env, "CB_RESET_TIMEOUT", milliseconds{10'000});

    c.rate_limit.max =
        static_cast<std::uint32_t>(env.integer("RATE_LIMIT_MAX", 100, 1, 1'000'000'000));
    c.rate_limit.window = positive_millis(env, "RATE_LIMIT_WINDOW", milliseconds{60'000});
    c.trust_proxy = env.boolean("TRUST_PROXY", false);

    c.allowed_origins = comma_list(env.string("ALLOWED_ORIGINS", ""));
    for (auto const& origin : c.allowed_origins)
        if (origin != "*" && origin.find("://") == std::string::npos)
            bad(env, "ALLOWED_ORIGINS",
                "a comma list of origins such as https://shop.example (or *)");

    c.swagger_ui_dir =
        std::filesystem::absolute(env.string("SWAGGER_UI_DIR", default_swagger_ui_dir().string()));
    return c;
}

} // namespace shop::gateway
