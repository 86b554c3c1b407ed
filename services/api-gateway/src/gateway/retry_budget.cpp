#include "gateway/retry_budget.hpp"

namespace shop::gateway {

RetryBudget::RetryBudget(RetryBudgetOptions options, Now now)
    : options_{options}, now_{std::move(now)}, window_start_{now_()}
{}

void RetryBudget::roll(Clock::time_point now)
{
    if (now - window_start_ < options_.window)
        return;
    bool const adjacent = now - window_start_ < 2 * options_.window;
    previous_requests_ = adjacent ? requests_ : 0;
    previous_retries_ = adjacent ? retries_ : 0;
    requests_ = retries_ = 0;
    auto const windows = (now - window_start_) / options_.window;
    window_start_ += windows * options_.window;
}

void RetryBudget::on_request()
{
    auto const now = now_();
    std::lock_guard const lock{mutex_};
    roll(now);
    ++requests_;
}

bool RetryBudget::try_retry()
{
    auto const now = now_();
    std::lock_guard const lock{mutex_};
    roll(now);
    auto const requests = static_cast<double>(requests_ + previous_requests_);
    auto const retries = static_cast<double>(retries_ + previous_retries_);
    if (retries >= options_.floor + options_.ratio * requests)
        return false;
    ++retries_;
    return true;
}

} // namespace shop::gateway
