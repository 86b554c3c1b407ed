#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace shop::http {

// How connections are spread over the I/O threads (see thread_balancer.hpp). A load is the
// share of one core a thread used over the last window.
struct BalanceOptions {
    double busy = 0.5;  // a thread above it hands connections to a less loaded one
    double merge = 0.3; // two threads whose loads add up to less share the earlier one
    std::chrono::milliseconds window{100};
};

struct ServerOptions {
    std::string host = "0.0.0.0";
    std::uint16_t port = 0;               // 0: any free port (tests read it back from the log)
    std::size_t body_limit = 1024 * 1024; // BODY_LIMIT → 413 beyond it
    std::size_t header_limit = 16 * 1024; // → 431 beyond it
    std::chrono::milliseconds header_timeout{10'000};    // first byte → end of the head
    std::chrono::milliseconds request_timeout{30'000};   // reading the body; writing the response
    std::chrono::milliseconds keep_alive_timeout{5'000}; // idle between requests
    // Headers every response carries unless its handler set them (e.g. security headers),
    // also the server's own 4xx answers.
    std::vector<std::pair<std::string, std::string>> default_headers;
    // When set, requests under /api must carry it in `x-api-key` (else 401); health and
    // metrics stay open.
    std::string api_key;
    BalanceOptions balance;
};

} // namespace shop::http
