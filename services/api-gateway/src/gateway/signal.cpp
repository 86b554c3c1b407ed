#include "gateway/signal.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace shop::gateway {

void Signal::notify() noexcept
{
    channel_.try_send(boost::system::error_code{}); // full: a wake-up is already pending
}

awaitable<bool> Signal::wait_until(std::chrono::steady_clock::time_point deadline)
{
    using namespace net::experimental::awaitable_operators;
    net::steady_timer timer{co_await net::this_coro::executor, deadline};
    auto const first = co_await (channel_.async_receive(as_result) || timer.async_wait(as_result));
    co_return first.index() == 0;
}

} // namespace shop::gateway
