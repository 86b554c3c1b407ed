#pragma once
// What the gateway reads from its environment, on top of the chassis's AppConfig.
#include "gateway/circuit_breaker.hpp"
#include "gateway/rate_limiter.hpp"
#include "gateway/retry_budget.hpp"

#include <shop/app/app_config.hpp>
#include <shop/config/env.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace shop::gateway {

struct UpstreamConfig {
    std::string name;   // "user-service": the circuit's name
    std::string prefix; // "/api/users": requests under it go to this upstream
    std::string host;
    std::string port;
    std::string base_path; // the URL's path, without a trailing slash

    // The Host header it is sent: "users:3001", "[::1]:3001", or the host alone on port 80.
    std::string host_header() const;
};

struct PoolOptions {
    std::size_t max_connections = 64; // UPSTREAM_POOL_SIZE, per upstream
    std::size_t max_waiters = 256;    // UPSTREAM_MAX_WAITERS: beyond it, 503 at once
    std::chrono::milliseconds connect_timeout{2'000}; // UPSTREAM_CONNECT_TIMEOUT_MS
    std::chrono::milliseconds idle_timeout{4'000};    // an idle connection is dropped after it
    std::size_t response_limit = 16 * 1024 * 1024;    // UPSTREAM_RESPONSE_LIMIT → 502 beyond
};

struct Config {
    std::vector<UpstreamConfig> upstreams;
    std::string api_key;                        // API_KEY, sent upstream as x-api-key
    std::chrono::milliseconds timeout{5'000};   // UPSTREAM_TIMEOUT_MS: a request's bound → 504
    std::chrono::milliseconds slow_call{2'000}; // CB_TIMEOUT: slower answers count as failures
    PoolOptions pool;
    BreakerOptions breaker;
    RetryBudgetOptions retry;
    RateLimitOptions rate_limit;
    bool trust_proxy = false; // TRUST_PROXY: rate-limit by X-Forwarded-For's last address
    std::vector<std::string> allowed_origins; // ALLOWED_ORIGINS
    std::filesystem::path swagger_ui_dir;     // SWAGGER_UI_DIR: Swagger UI's files, absolute

    // Throws config::Error naming the first bad variable.
    static Config from_env(config::Env const& env);
};

} // namespace shop::gateway
