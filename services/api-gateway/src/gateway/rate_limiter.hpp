#pragma once
// A fixed-window request limit per client: at most `max` requests per window. The table
// is emptied when a window ends and holds at most `max_clients` keys; clients beyond
// that share one bucket, so memory stays bounded however many clients there are.
#include "gateway/clock.hpp"

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace shop::gateway {

struct RateLimitOptions {
    std::uint32_t max = 100;                  // RATE_LIMIT_MAX
    std::chrono::milliseconds window{60'000}; // RATE_LIMIT_WINDOW
    std::size_t max_clients = 100'000;
};

struct RateDecision {
    bool allowed = true;
    std::uint32_t limit = 0;
    std::uint32_t remaining = 0;
    std::chrono::seconds reset{}; // until the window ends, rounded up, at least 1 s
};

class RateLimiter {
public:
    explicit RateLimiter(RateLimitOptions options, Now now = steady_now());

    // Counts one request of `client`.
    RateDecision hit(std::string_view client);
    std::size_t tracked_clients() const;

private:
    RateLimitOptions const options_;
    Now const now_;
    Clock::time_point const epoch_;
    mutable std::mutex mutex_;
    std::int64_t window_ = 0;
    // Looked up by the client's string_view, with no key built for a known client.
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view key) const noexcept
        {
            return std::hash<std::string_view>{}(key);
        }
    };
    std::unordered_map<std::string, std::uint32_t, KeyHash, std::equal_to<>> counts_;
};

} // namespace shop::gateway
