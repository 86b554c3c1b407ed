#pragma once
// What every service reads from its environment (seed 002's names where it had them).
#include <shop/config/env.hpp>
#include <shop/http/server_options.hpp>
#include <shop/log/log.hpp>

#include <chrono>
#include <string>

namespace shop {

// Seed 002's API_KEY: what the gateway sends and the services expect unless configured;
// production refuses to start with it.
inline constexpr std::string_view kDefaultApiKey = "your-api-key-here";

struct AppConfig {
    std::string service;
    std::string app_env = "development"; // APP_ENV (or NODE_ENV): development | test | production
    log::Level log_level = log::Level::info;
    std::size_t io_threads = 1;
    std::size_t blocking_threads = 4;
    std::chrono::milliseconds shutdown_timeout{10'000};
    http::ServerOptions http;

    // Throws config::Error naming the first bad variable.
    static AppConfig from_env(config::Env const& env, std::string service,
                              std::uint16_t default_port);
};

} // namespace shop
