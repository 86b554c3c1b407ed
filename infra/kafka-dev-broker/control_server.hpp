#pragma once
// A line protocol on a loopback port for tests and scripts: each line is a command, each
// answer one line.
#include "tracked.hpp"

#include <shop/net/asio.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace shop::dev_broker {

class ControlSession;

class ControlServer {
public:
    // The answer to one command line (without its newline).
    using Handler = std::function<std::string(std::string_view command)>;

    // Binds `listen` (port 0: any free port); throws when it is taken.
    ControlServer(net::io_context& io, tcp::endpoint listen, Handler handler);
    ~ControlServer();
    ControlServer(ControlServer const&) = delete;
    ControlServer& operator=(ControlServer const&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    // Stops listening and closes every session.
    void close();

private:
    awaitable<void> accept_loop();

    tcp::acceptor acceptor_;
    std::uint16_t port_;
    Handler handler_;
    Tracked<ControlSession> sessions_;
};

} // namespace shop::dev_broker
