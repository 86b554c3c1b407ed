#pragma once
// The gateway's stages, in pipeline order: security headers → CORS → rate limit →
// (authentication, later). The route's handler forwards, with the request's id.
#include "gateway/cors.hpp"
#include "gateway/pipeline.hpp"
#include "gateway/rate_limiter.hpp"

namespace shop::gateway {

// nosniff, no framing, no referrer: the server adds them to every response (its own 404s,
// health and metrics too). An upstream's own are not passed on, so these always hold.
Headers const& security_headers();
bool is_security_header(std::string_view name);

// Nothing under /api is cached (an upstream's Cache-Control is replaced).
class SecurityHeadersStage final : public Stage {
public:
    std::string_view name() const override { return "security-headers"; }
    std::optional<http::Response> on_request(Exchange& exchange) override;
};

class CorsStage final : public Stage {
public:
    explicit CorsStage(CorsPolicy policy) : policy_{std::move(policy)} {}
    std::string_view name() const override { return "cors"; }
    std::optional<http::Response> on_request(Exchange& exchange) override;

private:
    CorsPolicy policy_;
};

// Requests under /api count against their client's limit; every one of them carries the
// RateLimit-* headers, a refused one is a 429 with Retry-After.
class RateLimitStage final : public Stage {
public:
    RateLimitStage(RateLimitOptions options, bool trust_proxy)
        : limiter_{options}, limit_{std::to_string(options.max)}, trust_proxy_{trust_proxy}
    {}
    std::string_view name() const override { return "rate-limit"; }
    std::optional<http::Response> on_request(Exchange& exchange) override;

private:
    RateLimiter limiter_;
    std::string limit_; // the RateLimit-Limit header's value, the same for every answer
    bool trust_proxy_;
};

// The key a client is limited by: the first X-Forwarded-For address when the gateway sits
// behind a trusted proxy, else the connection's peer. A view into the request.
std::string_view client_key(http::Request const& request, bool trust_proxy);

} // namespace shop::gateway
