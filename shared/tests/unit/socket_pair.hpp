#pragma once
// A connected pair of loopback sockets, for the tests of reads and writes.
#include <shop/net/asio.hpp>

namespace shop::testing {

struct SocketPair {
    explicit SocketPair(net::io_context& io) : writer{io}, reader{io}
    {
        tcp::acceptor acceptor{io, {net::ip::make_address("127.0.0.1"), 0}};
        writer.connect(acceptor.local_endpoint());
        reader = acceptor.accept();
    }
    tcp::socket writer;
    tcp::socket reader;
};

} // namespace shop::testing
