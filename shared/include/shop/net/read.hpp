#pragma once
// Reading from a socket the way the kernel reports it.
//
// Asio's reactor tries a read at once after every read that returned data, and learns that the
// socket is empty only from the EAGAIN that comes back: one wasted system call for nearly every
// message, since the next request or the upstream's answer has rarely arrived by then. A read
// on a TCP socket that returns less than it asked for took all there was, so the next one can
// wait for epoll's edge instead (nginx reads the same way). A read into a DrainingBuffer tells
// the reactor so; DrainingStream does it for Beast's message reads.
//   co_await socket.async_read_some(DrainingBuffer{buffer.prepare(size)}, as_result);
//   DrainingStream stream{socket};
//   co_await beast::http::async_read(stream, buffer, parser, as_result);
// Not for reads with MSG_PEEK, which leave the data where it was.
#include <shop/net/asio.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/detail/reactive_socket_recv_op.hpp>

#include <utility>

namespace shop {

class DrainingBuffer : public net::mutable_buffer {
public:
    explicit DrainingBuffer(net::mutable_buffer buffer) : net::mutable_buffer{buffer} {}
};

// A socket as Beast's reads see it: every read goes into a DrainingBuffer. Holds a reference.
class DrainingStream {
public:
    using executor_type = tcp::socket::executor_type;

    explicit DrainingStream(tcp::socket& socket) : socket_{socket} {}

    executor_type get_executor() { return socket_.get_executor(); }

    // Reads into the first buffer of the sequence that has room (a read may always take less).
    template <class MutableBufferSequence, class Token>
    auto async_read_some(MutableBufferSequence const& buffers, Token&& token)
    {
        net::mutable_buffer room;
        for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
             ++it)
            if (net::mutable_buffer const buffer = *it; buffer.size() > 0) {
                room = buffer;
                break;
            }
        return socket_.async_read_some(DrainingBuffer{room}, std::forward<Token>(token));
    }

private:
    tcp::socket& socket_;
};

} // namespace shop

// The reactor's read operation for a DrainingBuffer: the same non-blocking recv as Asio's own,
// with a short read on a stream socket reported as `done_and_exhausted`, which makes the reactor
// wait for the next edge before it reads that socket again. (Asio reports only the end of the
// stream that way.) Written against Boost 1.81's reactor; the unit tests count the recv calls,
// so a Boost that stops using this operation shows there.
namespace boost::asio::detail {

template <>
class reactive_socket_recv_op_base<shop::DrainingBuffer> : public reactor_op {
public:
    reactive_socket_recv_op_base(boost::system::error_code const& success_ec, socket_type socket,
                                 socket_ops::state_type state, shop::DrainingBuffer const& buffer,
                                 socket_base::message_flags flags, func_type complete_func)
        : reactor_op{success_ec, &reactive_socket_recv_op_base::do_perform, complete_func},
          socket_{socket}, state_{state}, buffer_{buffer}, flags_{flags}
    {}

    static status do_perform(reactor_op* base)
    {
        auto* op = static_cast<reactive_socket_recv_op_base*>(base);
        bool const stream = (op->state_ & socket_ops::stream_oriented) != 0;
        if (!socket_ops::non_blocking_recv1(op->socket_, op->buffer_.data(), op->buffer_.size(),
                                            op->flags_, stream, op->ec_, op->bytes_transferred_))
            return not_done; // nothing yet: the reactor waits for the socket
        bool const drained = stream && op->bytes_transferred_ < op->buffer_.size() &&
                             (op->flags_ & socket_base::message_peek) == 0;
        return drained ? done_and_exhausted : done;
    }

private:
    socket_type socket_;
    socket_ops::state_type state_;
    shop::DrainingBuffer buffer_;
    socket_base::message_flags flags_;
};

} // namespace boost::asio::detail
