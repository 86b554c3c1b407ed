#include "gateway/cors.hpp"

#include <algorithm>

namespace shop::gateway {
namespace {
constexpr std::string_view kMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr std::string_view kAllowHeaders =
    "Authorization, Content-Type, Idempotency-Key, X-Request-Id, traceparent, tracestate";
constexpr std::string_view kExposeHeaders =
    "X-Request-Id, X-Total-Count, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
    "RateLimit-Reset";
constexpr std::string_view kMaxAgeSeconds = "600";
} // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins)
    : origins_{std::move(allowed_origins)}
{
    any_ = std::ranges::find(origins_, "*") != origins_.end();
}

bool CorsPolicy::allows(std::string_view origin) const
{
    if (origin.empty() || origin == "null")
        return false;
    return any_ || std::ranges::find(origins_, origin) != origins_.end();
}

bool CorsPolicy::decide(CorsRequest const& request, Headers& headers) const
{
    bool const preflight =
        request.method == "OPTIONS" && !request.origin.empty() && !request.request_method.empty();
    headers.emplace_back("Vary", "Origin");
    if (!allows(request.origin))
        return preflight;
    headers.emplace_back("Access-Control-Allow-Origin", std::string{request.origin});
    if (!any_)
        headers.emplace_back("Access-Control-Allow-Credentials", "true");
    if (preflight) {
        headers.emplace_back("Access-Control-Allow-Methods", std::string{kMethods});
        headers.emplace_back("Access-Control-Allow-Headers", std::string{kAllowHeaders});
        headers.emplace_back("Access-Control-Max-Age", std::string{kMaxAgeSeconds});
    } else {
        headers.emplace_back("Access-Control-Expose-Headers", std::string{kExposeHeaders});
    }
    return preflight;
}

} // namespace shop::gateway
