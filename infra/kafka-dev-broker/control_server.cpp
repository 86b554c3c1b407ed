#include "control_server.hpp"

#include "listener.hpp"
#include "spawn.hpp"

#include <shop/log/log.hpp>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace shop::dev_broker {

class ControlSession {
public:
    explicit ControlSession(tcp::socket socket) : socket_{std::move(socket)} {}

    tcp::socket& socket() noexcept { return socket_; }

    void close()
    {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

private:
    tcp::socket socket_;
};

namespace {

using namespace std::string_literals;

constexpr std::size_t kLineLimit = 1024; // commands are a word; anything longer is not one

std::string_view trim(std::string_view line)
{
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' '))
        line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ')
        line.remove_prefix(1);
    return line;
}

// Answers line after line until the peer closes, sends an over-long line, or close().
awaitable<void> serve(std::shared_ptr<ControlSession> session, ControlServer::Handler handler)
{
    std::string input;
    for (;;) {
        auto const [read_error, n] = co_await net::async_read_until(
            session->socket(), net::dynamic_buffer(input, kLineLimit), '\n', as_result);
        if (read_error == net::error::not_found) {
            // No newline within the limit: not a command. Say so, then hang up.
            co_await net::async_write(session->socket(), net::buffer("error: line too long\n"s),
                                      as_result);
            break;
        }
        if (read_error)
            break;
        auto const answer = handler(trim(std::string_view{input}.substr(0, n))) + '\n';
        input.erase(0, n);
        if (auto const [write_error, written] =
                co_await net::async_write(session->socket(), net::buffer(answer), as_result);
            write_error)
            break;
    }
    session->close();
}

} // namespace

ControlServer::ControlServer(net::io_context& io, tcp::endpoint listen, Handler handler)
    : acceptor_{listen_on(io, listen, "control connections")},
      port_{acceptor_.local_endpoint().port()}, handler_{std::move(handler)}
{
    spawn(acceptor_.get_executor(), accept_loop(), "accepting control connections");
}

ControlServer::~ControlServer() = default;

void ControlServer::close()
{
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    sessions_.close_all();
}

awaitable<void> ControlServer::accept_loop()
{
    net::steady_timer backoff{acceptor_.get_executor()};
    for (;;) {
        auto [error, socket] = co_await acceptor_.async_accept(as_result);
        if (error == net::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (error) {
            // Out of descriptors and the like: wait rather than spin.
            log::warn("accepting a control connection failed: {}", error.message());
            backoff.expires_after(std::chrono::milliseconds{100});
            co_await backoff.async_wait(as_result);
            continue;
        }
        auto session = std::make_shared<ControlSession>(std::move(socket));
        sessions_.add(session);
        spawn(acceptor_.get_executor(), serve(std::move(session), handler_), "a control session");
    }
}

} // namespace shop::dev_broker
