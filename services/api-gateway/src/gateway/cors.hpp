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

class CorsPolicy {
public:
    // "*" in the list allows any origin (without credentials).
    explicit CorsPolicy(std::vector<std::string> allowed_origins);

    bool allows(std::string_view origin) const;
    // Appends the response's CORS headers to `headers` (always Vary: Origin). True for a
    // preflight: to be answered 204 here instead of forwarded.
    bool decide(CorsRequest const& request, Headers& headers) const;

private:
    std::vector<std::string> origins_;
    bool any_ = false;
};

} // namespace shop::gateway
