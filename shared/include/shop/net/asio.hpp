#pragma once
// Asio names used across the project. Boost 1.81 has no default completion token,
// so every co_await names use_awaitable (or as_tuple(use_awaitable) for expected errors).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shop {
namespace net = boost::asio;
using tcp = net::ip::tcp;

template <class T = void>
using awaitable = net::awaitable<T>;

inline constexpr auto use_awaitable = net::use_awaitable;
// Completion token that turns error codes into values: auto [ec, n] = co_await ...(as_result);
inline constexpr auto as_result = net::as_tuple(net::use_awaitable);
} // namespace shop
