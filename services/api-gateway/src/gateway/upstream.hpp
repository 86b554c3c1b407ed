#pragma once
// One upstream service as the gateway sees it: where it is, its connection pool, its
// circuit breaker and its retry budget.
#include "gateway/circuit_breaker.hpp"
#include "gateway/config.hpp"
#include "gateway/retry_budget.hpp"
#include "gateway/upstream_pool.hpp"

namespace shop::gateway {

struct Upstream {
    Upstream(UpstreamConfig config, Config const& gateway)
        : config{std::move(config)}, host_header{this->config.host_header()},
          pool{this->config.host, this->config.port, gateway.pool}, breaker{gateway.breaker},
          retry_budget{gateway.retry}
    {}

    UpstreamConfig const config;
    std::string const host_header; // the Host the gateway sends it
    UpstreamPool pool;
    CircuitBreaker breaker;
    RetryBudget retry_budget;
};

} // namespace shop::gateway
