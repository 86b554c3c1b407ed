#pragma once
// The CORS allow-list (ALLOWED_ORIGINS): allowed origins get the CORS headers, a preflight
// from one is answered 204; any other origin gets no CORS header at all, so the browser
// keeps the response from the page.
#include "gateway/headers.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace shop::gateway {

struct CorsRequest {
    std::string_view method;         // "OPTIONS" for a preflight
    std::string_view origin;         // "" when absent
    std::string_view request_method; // Access-Control-Request-Method, "" when absent
};

struct CorsDecision {
    bool preflight = false; // answer 204 here instead of forwarding
    Headers headers;        // for the response (always Vary: Origin)
};

class CorsPolicy {
public:
    // "*" in the list allows any origin (without credentials).
    explicit CorsPolicy(std::vector<std::string> allowed_origins);

    bool allows(std::string_view origin) const;
    CorsDecision decide(CorsRequest const& request) const;
    // The same, with the headers appended to `headers`: true for a preflight.
    bool decide(CorsRequest const& request, Headers& headers) const;

private:
    std::vector<std::string> origins_;
    bool any_ = false;
};

} // namespace shop::gateway
