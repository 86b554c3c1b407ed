#pragma once
// A TCP forwarder from a fixed port to the mock broker's ephemeral one, so clients can
// bootstrap at a well-known address. It can be closed (refusing connections, as a stopped
// broker does) and opened again on the same port.
#include "tracked.hpp"

#include <shop/net/asio.hpp>

#include <cstdint>

namespace shop::dev_broker {

class Link;

class Forwarder {
public:
    // Closed until open(); `listen` with port 0 takes any free port, kept across close/open.
    Forwarder(net::io_context& io, tcp::endpoint listen, tcp::endpoint target);
    ~Forwarder();
    Forwarder(Forwarder const&) = delete;
    Forwarder& operator=(Forwarder const&) = delete;

    std::uint16_t port() const noexcept { return listen_.port(); }

    // Binds the port and forwards until close(); throws when the port is taken.
    void open();
    // Stops listening and cuts every forwarded connection.
    void close();

private:
    awaitable<void> accept_loop(std::uint64_t generation);

    net::io_context& io_;
    tcp::endpoint listen_;
    tcp::endpoint target_;
    tcp::acceptor acceptor_;
    std::uint64_t generation_ = 0; // changes on open() and close(): one accept loop at a time
    Tracked<Link> links_;
};

} // namespace shop::dev_broker
