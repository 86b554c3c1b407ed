#include <shop/app/app_config.hpp>

#include <boost/asio/ip/address.hpp>

#include <thread>

namespace shop {

AppConfig AppConfig::from_env(config::Env const& env, std::string service,
                              std::uint16_t default_port)
{
    using std::chrono::milliseconds;
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
    c.shutdown_timeout = env.millis("SHUTDOWN_TIMEOUT_MS", milliseconds{10'000});

    auto& h = c.http;
    h.host = env.string("HOST", "0.0.0.0");
    boost::system::error_code ec;
    boost::asio::ip::make_address(h.host, ec);
    if (ec)
        throw config::Error{"HOST=\"" + h.host +
                            "\": expected an IP address such as 0.0.0.0 or 127.0.0.1"};
    h.port = env.port("PORT", default_port);
    h.body_limit = env.bytes("BODY_LIMIT", 1024 * 1024);
    h.header_limit = env.bytes("HTTP_HEADER_LIMIT", 16 * 1024);
    h.header_timeout = env.millis("HTTP_HEADER_TIMEOUT_MS", milliseconds{10'000});
    h.request_timeout = env.millis("HTTP_REQUEST_TIMEOUT_MS", milliseconds{30'000});
    h.keep_alive_timeout = env.millis("HTTP_KEEP_ALIVE_TIMEOUT_MS", milliseconds{5'000});
    return c;
}

} // namespace shop
