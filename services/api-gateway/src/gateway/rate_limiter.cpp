#include "gateway/rate_limiter.hpp"

namespace shop::gateway {
namespace {
constexpr std::string_view kOverflowBucket = "*";
} // namespace

RateLimiter::RateLimiter(RateLimitOptions options, Now now)
    : options_{options}, now_{std::move(now)}, epoch_{now_()}
{}

RateDecision RateLimiter::hit(std::string_view client)
{
    auto const elapsed = now_() - epoch_;
    auto const window = elapsed / options_.window;
    auto const ends = (window + 1) * options_.window;
    auto const left = std::chrono::ceil<std::chrono::seconds>(ends - elapsed);

    std::uint32_t count = 0;
    {
        std::lock_guard const lock{mutex_};
        if (window != window_) {
            window_ = window;
            counts_ = {}; // also gives the memory back
        }
        auto it = counts_.find(client);
        if (it == counts_.end()) {
            auto const key = counts_.size() < options_.max_clients ? client : kOverflowBucket;
            it = counts_.try_emplace(std::string{key}, 0).first;
        }
        if (it->second < options_.max)
            ++it->second;
        else
            count = options_.max + 1; // over the limit: not counted further
        if (count == 0)
            count = it->second;
    }
    RateDecision d;
    d.allowed = count <= options_.max;
    d.limit = options_.max;
    d.remaining = d.allowed ? options_.max - count : 0;
    d.reset = std::max(std::chrono::seconds{1}, left);
    return d;
}

std::size_t RateLimiter::tracked_clients() const
{
    std::lock_guard const lock{mutex_};
    return counts_.size();
}

} // namespace shop::gateway
