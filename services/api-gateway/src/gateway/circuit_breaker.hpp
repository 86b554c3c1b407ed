#pragma once
// A circuit breaker per upstream: closed → open after `threshold` consecutive failures;
// open rejects at once until `reset_timeout` has passed; half-open then lets a limited
// number of probes through: a probe's success closes it, a failure opens it again.
#include "gateway/clock.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace shop::gateway {

enum class BreakerState { closed, open, half_open };

std::string_view to_string(BreakerState state);

struct BreakerOptions {
    std::uint32_t threshold = 5;                     // CB_THRESHOLD
    std::chrono::milliseconds reset_timeout{10'000}; // CB_RESET_TIMEOUT
    std::uint32_t half_open_probes = 1;
};

class CircuitBreaker {
public:
    explicit CircuitBreaker(BreakerOptions options, Now now = steady_now());

    struct Admission {
        bool allowed = true;
        bool probe = false;                      // the call decides a half-open circuit's fate
        std::chrono::milliseconds retry_after{}; // when rejected: until the next probe may go
    };
    Admission admit();
    void on_success();
    void on_failure();

    struct Snapshot {
        BreakerState state = BreakerState::closed;
        std::uint32_t failures = 0; // consecutive
        std::uint32_t threshold = 0;
        std::chrono::milliseconds reset_timeout{};
        std::chrono::milliseconds retry_after{}; // while open
        std::uint64_t times_opened = 0;
    };
    // The state as a caller would meet it now (an open circuit past its reset timeout
    // reads as half-open).
    Snapshot snapshot() const;

private:
    void open(Clock::time_point now);
    // Under the lock, after every change: whether the fast path applies.
    void update_healthy() noexcept;

    BreakerOptions const options_;
    Now const now_;
    // Closed without a failure since the last success: admit() and on_success() have
    // nothing to do and take no lock, so a healthy upstream's calls share no written state.
    std::atomic<bool> healthy_{true};
    mutable std::mutex mutex_;
    BreakerState state_ = BreakerState::closed;
    std::uint32_t failures_ = 0;
    std::uint32_t probes_in_flight_ = 0;
    Clock::time_point opened_at_{};
    Clock::time_point probe_started_{};
    std::uint64_t times_opened_ = 0;
};

} // namespace shop::gateway
