#include "gateway/stages.hpp"

#include <shop/text/append.hpp>
#include <shop/text/case.hpp>

#include <algorithm>

namespace shop::gateway {

using namespace std::string_view_literals; // names copied without a strlen

Headers const& security_headers()
{
    static Headers const headers{{"X-Content-Type-Options", "nosniff"},
                                 {"X-Frame-Options", "DENY"},
                                 {"Referrer-Policy", "no-referrer"}};
    return headers;
}

bool is_security_header(std::string_view name)
{
    return std::ranges::any_of(security_headers(), [name](auto const& header) {
        return text::iequals(header.first, name);
    });
}

std::optional<http::Response> SecurityHeadersStage::on_request(Exchange& exchange)
{
    // The security headers themselves are the server's defaults, on every response; the
    // forwarder drops an upstream's own, so the gateway's are the ones that reach the client.
    if (exchange.request.is_api())
        exchange.response_headers.emplace_back("Cache-Control", "no-store");
    return std::nullopt;
}

std::optional<http::Response> CorsStage::on_request(Exchange& exchange)
{
    auto const& request = exchange.request;
    bool const preflight = policy_.decide({request.method_name(), request.header("Origin"),
                                           request.header("Access-Control-Request-Method")},
                                          exchange.response_headers);
    if (!preflight)
        return std::nullopt;
    // A preflight is the gateway's to answer, allowed or not (then without CORS headers).
    return http::Response{http::Status::no_content, {}, http::content_type::kText, {}};
}

std::optional<http::Response> RateLimitStage::on_request(Exchange& exchange)
{
    if (!exchange.request.is_api())
        return std::nullopt;
    auto const decision = limiter_.hit(client_key(exchange.request, trust_proxy_));
    auto& h = exchange.response_headers;
    fmt::format_int const reset_seconds{decision.reset.count()};
    auto const reset = text::digits(reset_seconds);
    h.emplace_back("RateLimit-Limit"sv, limit_);
    h.emplace_back("RateLimit-Remaining"sv, text::digits(fmt::format_int(decision.remaining)));
    h.emplace_back("RateLimit-Reset"sv, reset);
    if (decision.allowed)
        return std::nullopt;
    h.emplace_back("Retry-After"sv, reset);
    return http::Response::error(
        http::Error{http::Status::too_many_requests, "ThrottlerException: Too Many Requests"},
        exchange.request.request_id());
}

std::string_view client_key(http::Request const& request, bool trust_proxy)
{
    if (trust_proxy) {
        // The last address, the one the proxy in front appended: those before it are the
        // client's to write, and would let it pick a new key per request.
        std::string_view forwarded;
        for (auto const& field : request.message())
            if (text::iequals(field.name_string(), "X-Forwarded-For"))
                forwarded = field.value();
        if (auto const comma = forwarded.rfind(','); comma != std::string_view::npos)
            forwarded.remove_prefix(comma + 1);
        while (!forwarded.empty() && forwarded.front() == ' ')
            forwarded.remove_prefix(1);
        while (!forwarded.empty() && forwarded.back() == ' ')
            forwarded.remove_suffix(1);
        if (!forwarded.empty() && forwarded.size() <= 64)
            return forwarded;
    }
    return request.client_address();
}

} // namespace shop::gateway
