#pragma once
// HTTP/1.1 server: one coroutine per connection on one of the App's io_contexts (one per I/O
// thread; which one, and when a connection moves between requests, is the ThreadBalancer's
// call), keep-alive, limits (413, 431), read/idle timeouts, one access-log line and two
// metric updates per request, graceful drain.
#include <shop/http/connection_table.hpp>
#include <shop/http/http_metrics.hpp>
#include <shop/http/router.hpp>
#include <shop/http/serialize.hpp>
#include <shop/http/server_options.hpp>
#include <shop/http/thread_balancer.hpp>
#include <shop/metrics/registry.hpp>
#include <shop/net/asio.hpp>

#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace shop::http {

class Server : public std::enable_shared_from_this<Server> {
public:
    // Binds and listens at once (throws when the address is taken), serves after start().
    // The listener and the sweeper run on the first io_context; connections on all of them.
    static std::shared_ptr<Server> create(std::vector<net::io_context*> shards,
                                          ServerOptions options, Router routes,
                                          metrics::Registry& registry);

    std::uint16_t port() const noexcept { return port_; }
    void start();

    // Graceful stop: the listener closes, requests in flight finish and are answered with
    // "Connection: close", idle connections close once none is busy. `on_drained` runs
    // when the last connection is gone (at once if there is none).
    void drain(std::function<void()> on_drained);
    // The bound ran out: every connection is shut, busy or not.
    void close_all();

    bool draining() const noexcept { return draining_.load(std::memory_order_acquire); }

    Server(std::vector<net::io_context*> shards, ServerOptions options, Router routes,
           metrics::Registry& registry);

private:
    void add_thread_metrics();
    awaitable<void> accept_loop();
    awaitable<void> sweep_loop();
    awaitable<void> session(tcp::socket socket, ConnectionTable::Entry entry, std::size_t thread);
    // Returns the thread the connection goes on with when it is to move, else nothing.
    awaitable<std::optional<std::size_t>> serve(tcp::socket& socket, Connection& connection,
                                                std::size_t thread);
    bool hand_over(tcp::socket& socket, ConnectionTable::Entry& entry, std::size_t to);
    awaitable<void> write_stream(tcp::socket& socket, Connection& connection,
                                 Response const& response);
    awaitable<Response> dispatch(Request& request, Route const*& matched);
    awaitable<void> reject(tcp::socket& socket, Connection& connection, Error const& error,
                           std::string& head, std::string request_id);
    awaitable<void> linger(tcp::socket& socket, Connection& connection);

    std::vector<net::io_context*> const shards_;
    ServerOptions options_;
    ThreadBalancer balancer_;
    DefaultHeaders const default_headers_; // from options_, rendered once
    Router routes_;
    metrics::Registry& registry_;
    HttpMetrics metrics_;
    net::strand<net::io_context::executor_type> strand_; // acceptor and sweeper
    tcp::acceptor acceptor_;
    net::steady_timer sweep_timer_;
    std::uint16_t port_ = 0;
    std::shared_ptr<ConnectionTable> connections_ = std::make_shared<ConnectionTable>();
    std::atomic<bool> draining_{false};
};

} // namespace shop::http
