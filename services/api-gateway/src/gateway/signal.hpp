#pragma once
// A wake-up that any thread may send and one coroutine awaits with a deadline. Sends while
// nobody waits are kept (one is enough), so a wake-up between a check and the wait is
// never lost.
#include <shop/net/asio.hpp>

#include <boost/asio/experimental/concurrent_channel.hpp>

#include <chrono>

namespace shop::gateway {

class Signal {
public:
    explicit Signal(net::any_io_executor executor) : channel_{executor, 1} {}

    void notify() noexcept; // thread-safe
    // True when notified before the deadline, false when it passed.
    awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline);

private:
    net::experimental::concurrent_channel<void(boost::system::error_code)> channel_;
};

} // namespace shop::gateway
