#include "gateway/gateway.hpp"

#include "gateway/docs.hpp"
#include "gateway/stages.hpp"

#include <nlohmann/json.hpp>

namespace shop::gateway {
namespace {

// Paths deeper than this under an upstream's prefix are not forwarded (404).
constexpr int kMaxDepth = 6;

constexpr http::Verb kForwardedMethods[] = {http::Verb::get,     http::Verb::post,
                                            http::Verb::put,     http::Verb::patch,
                                            http::Verb::delete_, http::Verb::options};

// "/api/users", "/api/users/:id", "/api/users/:id/:p2", ...
std::vector<std::string> patterns_under(std::string const& prefix)
{
    std::vector<std::string> patterns{prefix};
    std::string pattern = prefix + "/:id";
    patterns.push_back(pattern);
    for (int depth = 2; depth <= kMaxDepth; ++depth) {
        pattern += "/:p" + std::to_string(depth);
        patterns.push_back(pattern);
    }
    return patterns;
}

} // namespace

Gateway::Gateway(Config const& config)
    : config_{config}, forwarder_{{config.api_key, config.timeout, config.slow_call,
                                   config.pool.response_limit}}
{
    for (auto const& upstream : config_.upstreams)
        upstreams_.push_back(std::make_unique<Upstream>(upstream, config_));
    pipeline_.add(std::make_unique<SecurityHeadersStage>())
        .add(std::make_unique<CorsStage>(CorsPolicy{config_.allowed_origins}))
        .add(std::make_unique<RateLimitStage>(config_.rate_limit, config_.trust_proxy));
    // Authentication comes here, before the route's handler.
}

Upstream* Gateway::find(std::string_view name)
{
    for (auto const& upstream : upstreams_)
        if (upstream->config.name == name)
            return upstream.get();
    return nullptr;
}

void Gateway::add_routes(http::Router& routes)
{
    for (auto const& upstream : upstreams_) {
        auto const handler = pipeline_.wrap([this, target = upstream.get()](Exchange& exchange) {
            return forwarder_.forward(*target, exchange);
        });
        for (auto const& pattern : patterns_under(upstream->config.prefix))
            for (auto const method : kForwardedMethods)
                routes.add(method, pattern, handler);
    }
    routes.get("/health/circuit/:name",
               pipeline_.wrap([this](Exchange& exchange) { return circuit(exchange); }));
    add_docs_routes(routes, pipeline_, config_.swagger_ui_dir);
    // A 404 or 405 goes through the pipeline too: it gets the CORS and /api headers of any
    // answer, and a preflight is answered on every path.
    routes.fallback(
        [this](http::Request& request, http::Response unmatched) -> awaitable<http::Response> {
            ExchangeHandler const respond = [&unmatched](Exchange&) -> awaitable<http::Response> {
                co_return std::move(unmatched);
            };
            co_return co_await pipeline_.run(request, respond);
        });
}

awaitable<http::Response> Gateway::circuit(Exchange& exchange)
{
    auto const name = exchange.request.param("name");
    auto* const upstream = find(name);
    if (!upstream)
        throw http::Error{http::Status::not_found, "Unknown circuit: " + name};
    auto const s = upstream->breaker.snapshot();
    auto const pool = upstream->pool.stats();
    nlohmann::ordered_json body{
        {"name", upstream->config.name},
        {"state", to_string(s.state)},
        {"failures", s.failures},
        {"threshold", s.threshold},
        {"timeoutMs", config_.slow_call.count()},
        {"resetTimeoutMs", s.reset_timeout.count()},
        {"retryAfterMs", s.retry_after.count()},
        {"timesOpened", s.times_opened},
        {"pool", {{"open", pool.open}, {"idle", pool.idle}, {"waiting", pool.waiting}}},
    };
    co_return http::Response::json(http::Status::ok, body.dump());
}

} // namespace shop::gateway
