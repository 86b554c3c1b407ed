#pragma once
// A clock the test moves by hand.
#include "gateway/clock.hpp"

#include <memory>

namespace shop::gateway::test {

struct FakeClock {
    std::shared_ptr<Clock::time_point> now = std::make_shared<Clock::time_point>(Clock::now());
    Now source() const
    {
        return [t = now] { return *t; };
    }
    void advance(std::chrono::milliseconds by) { *now += by; }
};

} // namespace shop::gateway::test
