#pragma once
// Retries may add at most `ratio` of the requests seen over the last window, plus a small
// floor so that a quiet upstream can still be retried: when an upstream is failing, the
// retries cannot multiply the load on it.
#include "gateway/clock.hpp"

#include <cstdint>
#include <mutex>

namespace shop::gateway {

struct RetryBudgetOptions {
    double ratio = 0.2;
    std::uint32_t floor = 10; // retries always allowed per window
    std::chrono::milliseconds window{10'000};
};

class RetryBudget {
public:
    explicit RetryBudget(RetryBudgetOptions options, Now now = steady_now());

    void on_request();
    // Spends one retry when the budget has one left.
    bool try_retry();

private:
    void roll(Clock::time_point now);

    RetryBudgetOptions const options_;
    Now const now_;
    std::mutex mutex_;
    Clock::time_point window_start_;
    // This window and the one before, so the allowance does not drop to the floor at once
    // when a window turns.
    std::uint64_t requests_ = 0, previous_requests_ = 0;
    std::uint64_t retries_ = 0, previous_retries_ = 0;
};

} // namespace shop::gateway
