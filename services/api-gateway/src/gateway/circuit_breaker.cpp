#include "gateway/circuit_breaker.hpp"

#include <algorithm>

namespace shop::gateway {
namespace {
using std::chrono::duration_cast;
using std::chrono::milliseconds;
} // namespace

std::string_view to_string(BreakerState state)
{
    switch (state) {
    case BreakerState::closed:
        return "closed";
    case BreakerState::open:
        return "open";
    case BreakerState::half_open:
        return "half-open";
    }
    return "closed";
}

CircuitBreaker::CircuitBreaker(BreakerOptions options, Now now)
    : options_{options}, now_{std::move(now)}
{}

void CircuitBreaker::update_healthy() noexcept
{
    healthy_.store(state_ == BreakerState::closed && failures_ == 0, std::memory_order_release);
}

CircuitBreaker::Admission CircuitBreaker::admit()
{
    if (healthy_.load(std::memory_order_acquire))
        return {};
    auto const now = now_();
    std::lock_guard const lock{mutex_};
    if (state_ == BreakerState::closed)
        return {};
    if (state_ == BreakerState::open) {
        auto const reopen = opened_at_ + options_.reset_timeout;
        if (now < reopen)
            return {false, false,
                    std::max(milliseconds{1}, duration_cast<milliseconds>(reopen - now))};
        state_ = BreakerState::half_open;
        probes_in_flight_ = 0;
    }
    // Half-open. A probe that never reported back (its caller vanished) frees its slot
    // after another reset timeout, so the circuit cannot stay stuck.
    if (probes_in_flight_ >= options_.half_open_probes &&
        now - probe_started_ >= options_.reset_timeout)
        probes_in_flight_ = 0;
    if (probes_in_flight_ >= options_.half_open_probes)
        return {false, false,
                std::max(milliseconds{1}, duration_cast<milliseconds>(
                                              probe_started_ + options_.reset_timeout - now))};
    ++probes_in_flight_;
    probe_started_ = now;
    return {true, true, {}};
}

void CircuitBreaker::on_success()
{
    if (healthy_.load(std::memory_order_acquire))
        return;
    std::lock_guard const lock{mutex_};
    if (state_ == BreakerState::open)
        return; // a call admitted before the circuit opened: it proves little
    state_ = BreakerState::closed;
    failures_ = 0;
    probes_in_flight_ = 0;
    update_healthy();
}

void CircuitBreaker::on_failure()
{
    auto const now = now_();
    std::lock_guard const lock{mutex_};
    switch (state_) {
    case BreakerState::closed:
        if (++failures_ >= options_.threshold)
            open(now);
        break;
    case BreakerState::half_open:
        ++failures_;
        open(now);
        break;
    case BreakerState::open:
        break; // late reports of calls admitted before it opened
    }
    update_healthy();
}

void CircuitBreaker::open(Clock::time_point now)
{
    state_ = BreakerState::open;
    opened_at_ = now;
    probes_in_flight_ = 0;
    ++times_opened_;
}

CircuitBreaker::Snapshot CircuitBreaker::snapshot() const
{
    auto const now = now_();
    std::lock_guard const lock{mutex_};
    Snapshot s{state_, failures_, options_.threshold, options_.reset_timeout, {}, times_opened_};
    if (state_ == BreakerState::open) {
        auto const reopen = opened_at_ + options_.reset_timeout;
        if (now >= reopen)
            s.state = BreakerState::half_open;
        else
            s.retry_after = duration_cast<milliseconds>(reopen - now);
    }
    return s;
}

} // namespace shop::gateway
