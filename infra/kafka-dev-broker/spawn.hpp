#pragma once
#include <shop/net/asio.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <string>

namespace shop::dev_broker {

// Runs a coroutine detached; an exception escaping it is logged with `what` instead of
// leaving io_context::run(), so one broken connection never stops the broker.
void spawn(net::any_io_executor executor, awaitable<void> task, std::string what);

} // namespace shop::dev_broker
