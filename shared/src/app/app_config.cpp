#include <shop/app/app_config.hpp>

#include <boost/asio/ip/address.hpp>

#include <thread>

namespace shop {
namespace {

using std::chrono::milliseconds;

// A timeout of 0 would switch a protection off: durations must be from 1 ms to a day.
milliseconds positive_millis(config::Env const& env, std::string_view name, milliseconds fallback)
{
    auto const value = env.millis(name, fallback);
    if (value < milliseconds{1} || value > std::chrono::hours{24})
        throw config::Error{std::string{name} + "=\"" + env.raw(name).value_or("") +
                            "\": expected a duration from 1 ms to 24 h"};
    return value;
}

std::size_t bounded_bytes(config::Env const& env, std::string_view name, std::size_t fallback,
                          std::size_t min, std::size_t max, std::string_view range)
{
    auto const value = env.bytes(name, fallback);
    if (value < min || value > max)
        throw config::Error{std::string{name} + "=\"" + env.raw(name).value_or("") +
                            "\": expected a size from " + std::string{range}};
    return value;
}

} // namespace

AppConfig AppConfig::from_env(config::Env const& env, std::string service,
                              std::uint16_t default_port)
{
    AppConfig c;
    c.service = std::move(service);
    // APP_ENV wins; NODE_ENV keeps seed 002's .env files working.
    c.app_env = env.one_of(env.raw("APP_ENV") ? "APP_ENV" : "NODE_ENV", "development",
                           {"development", "test", "production"});
    c.log_level = *log::parse_level(env.one_of(
        "LOG_LEVEL", "info", {"trace", "debug", "info", "warn", "error", "fatal", "silent"}));

    auto const cores = std::max(1u, std::thread::hardware_concurrency());
    c.io_threads = static_cast<std::size_t>(env.integer("HTTP_THREADS", cores, 1, 256));
    c.blocking_threads = static_cast<std::size_t>(env.integer("BLOCKING_THREADS", 4, 1, 256));
    c.shutdown_timeout = positive_millis(env, "SHUTDOWN_TIMEOUT_MS", milliseconds{10'000});

    auto& h = c.http;
    h.host = env.string("HOST", "0.0.0.0");
    boost::system::error_code ec;
    boost::asio::ip::make_address(h.host, ec);
    if (ec)
        throw config::Error{"HOST=\"" + h.host +
                            "\": expected an IP address such as 0.0.0.0 or 127.0.0.1"};
    h.port = env.port("PORT", default_port);
    h.body_limit =
        bounded_bytes(env, "BODY_LIMIT", 1024 * 1024, 0, std::size_t{1} << 30, "0 to 1gb");
    h.header_limit =
        bounded_bytes(env, "HTTP_HEADER_LIMIT", 16 * 1024, 1024, 1024 * 1024, "1kb to 1mb");
    h.header_timeout = positive_millis(env, "HTTP_HEADER_TIMEOUT_MS", milliseconds{10'000});
    h.request_timeout = positive_millis(env, "HTTP_REQUEST_TIMEOUT_MS", milliseconds{30'000});
    h.keep_alive_timeout = positive_millis(env, "HTTP_KEEP_ALIVE_TIMEOUT_MS", milliseconds{5'000});
    // Above this share of a core an I/O thread hands connections to a less loaded one; two
    // threads that together use under 60 % of it share one again.
    auto const busy =
        static_cast<double>(env.integer("HTTP_THREAD_BUSY_PERCENT", 50, 1, 100)) / 100;
    h.balance.busy = busy;
    h.balance.merge = busy * 0.6;
    h.api_key = env.string("API_KEY", std::string{kDefaultApiKey});
    if (c.app_env == "production" && h.api_key == kDefaultApiKey)
        throw config::Error{"API_KEY: expected a secret of your own in production"};
    // Off only for development and tests that call a service directly.
    if (!env.boolean("API_KEY_REQUIRED", true)) {
        if (c.app_env == "production")
            throw config::Error{"API_KEY_REQUIRED=false: not allowed in production"};
        h.api_key.clear();
    }
    return c;
}

} // namespace shop
