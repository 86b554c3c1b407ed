#include <shop/net/write.hpp>

#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>

namespace shop {

std::size_t send_now(tcp::socket& socket, std::span<net::const_buffer const> buffers,
                     boost::system::error_code& ec)
{
    ec = {};
    // A message is a head and a body, or a few pieces more; the rest of a longer list goes
    // out with write_all's asynchronous part.
    std::array<iovec, 8> pieces{};
    auto const count = std::min(buffers.size(), pieces.size());
    for (std::size_t i = 0; i < count; ++i)
        pieces[i] = {const_cast<void*>(buffers[i].data()), buffers[i].size()};
    msghdr message{};
    message.msg_iov = pieces.data();
    message.msg_iovlen = count;
    for (;;) {
        auto const sent = ::sendmsg(socket.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent >= 0)
            return static_cast<std::size_t>(sent);
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            ec.assign(errno, boost::system::system_category());
        return 0;
    }
}

Sent write_now(tcp::socket& socket, std::span<net::const_buffer const> buffers)
{
    Sent sent;
    sent.bytes = send_now(socket, buffers, sent.ec);
    sent.done = sent.ec || sent.bytes == net::buffer_size(buffers);
    return sent;
}

awaitable<std::tuple<boost::system::error_code, std::size_t>>
write_rest(tcp::socket& socket, std::span<net::const_buffer const> buffers, std::size_t sent)
{
    boost::beast::buffers_suffix<std::span<net::const_buffer const>> rest{buffers};
    rest.consume(sent);
    auto const [ec, written] = co_await net::async_write(socket, rest, as_result);
    co_return std::tuple{ec, sent + written};
}

awaitable<std::tuple<boost::system::error_code, std::size_t>>
write_all(tcp::socket& socket, std::span<net::const_buffer const> buffers)
{
    auto const sent = write_now(socket, buffers);
    if (sent.done)
        co_return std::tuple{sent.ec, sent.bytes};
    co_return co_await write_rest(socket, buffers, sent.bytes);
}

} // namespace shop
