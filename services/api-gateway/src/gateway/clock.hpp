#pragma once
// The clock the gateway's time-based rules read; tests inject their own.
#include <chrono>
#include <functional>

namespace shop::gateway {

using Clock = std::chrono::steady_clock;
using Now = std::function<Clock::time_point()>;

inline Now steady_now()
{
    return [] { return Clock::now(); };
}

} // namespace shop::gateway
