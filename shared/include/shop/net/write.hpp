#pragma once
// Writing a whole message to a socket, nearly always without waiting for it.
#include <shop/net/asio.hpp>

#include <cstddef>
#include <span>
#include <tuple>

namespace shop {

// Sends as much of `buffers` as the socket takes now, without blocking, and returns how many
// bytes went. A socket whose send buffer is full takes nothing, which is no error.
std::size_t send_now(tcp::socket& socket, std::span<net::const_buffer const> buffers,
                     boost::system::error_code& ec);

// What write_now sent: `done` when it all went or an error came, else write_rest finishes.
struct Sent {
    boost::system::error_code ec;
    std::size_t bytes = 0;
    bool done = false;
};

// write_all's two halves, for the request path, where a coroutine started for every write
// would cost more than the send itself: a write that the socket takes at once is then no
// coroutine at all.
//   auto sent = write_now(socket, buffers);
//   if (!sent.done)
//       std::tie(sent.ec, sent.bytes) = co_await write_rest(socket, buffers, sent.bytes);
Sent write_now(tcp::socket& socket, std::span<net::const_buffer const> buffers);
awaitable<std::tuple<boost::system::error_code, std::size_t>>
write_rest(tcp::socket& socket, std::span<net::const_buffer const> buffers, std::size_t sent);

// Writes all of `buffers`, like async_write: the error, if any, and the bytes written. What
// the socket takes at once goes out at once, with no trip through the io_context's queue
// (a response or an upstream request that fits the send buffer: nearly every one); the rest
// once the socket is writable. `buffers` must outlive the call.
awaitable<std::tuple<boost::system::error_code, std::size_t>>
write_all(tcp::socket& socket, std::span<net::const_buffer const> buffers);

} // namespace shop
