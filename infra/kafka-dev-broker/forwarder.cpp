#include "forwarder.hpp"

#include "listener.hpp"
#include "spawn.hpp"

#include <shop/log/log.hpp>

#include <boost/asio/write.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace shop::dev_broker {

// One client connection and its twin to the mock broker; closing either ends both.
class Link {
public:
    explicit Link(tcp::socket client) : client_{std::move(client)}, broker_{client_.get_executor()}
    {}

    tcp::socket& client() noexcept { return client_; }
    tcp::socket& broker() noexcept { return broker_; }

    void close()
    {
        boost::system::error_code ignored;
        client_.close(ignored);
        broker_.close(ignored);
    }

private:
    tcp::socket client_;
    tcp::socket broker_;
};

namespace {

constexpr std::size_t kChunk = 64 * 1024;

// Copies bytes one way until either side ends, then closes the link (which ends the other way).
awaitable<void> pump(std::shared_ptr<Link> link, tcp::socket& from, tcp::socket& to)
{
    std::vector<char> buffer(kChunk);
    for (;;) {
        auto const [read_error, n] = co_await from.async_read_some(net::buffer(buffer), as_result);
        if (read_error)
            break;
        auto const [write_error, written] =
            co_await net::async_write(to, net::buffer(buffer.data(), n), as_result);
        if (write_error)
            break;
    }
    link->close();
}

awaitable<void> forward(std::shared_ptr<Link> link, tcp::endpoint target)
{
    if (auto const [error] = co_await link->broker().async_connect(target, as_result); error) {
        if (error != net::error::operation_aborted)
            log::warn("cannot reach the mock broker at {}: {}", target.port(), error.message());
        link->close();
        co_return;
    }
    auto const executor = co_await net::this_coro::executor;
    spawn(executor, pump(link, link->broker(), link->client()), "forwarding to a client");
    co_await pump(link, link->client(), link->broker());
}

} // namespace

Forwarder::Forwarder(net::io_context& io, tcp::endpoint listen, tcp::endpoint target)
    : io_{io}, listen_{listen}, target_{target}, acceptor_{io}
{}

Forwarder::~Forwarder() = default;

void Forwarder::open()
{
    if (acceptor_.is_open())
        return;
    acceptor_ = listen_on(io_, listen_, "Kafka clients");
    listen_ = acceptor_.local_endpoint();
    spawn(io_.get_executor(), accept_loop(++generation_), "accepting Kafka clients");
}

void Forwarder::close()
{
    ++generation_; // a loop waiting out an accept error ends too
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    links_.close_all();
}

awaitable<void> Forwarder::accept_loop(std::uint64_t generation)
{
    net::steady_timer backoff{io_};
    while (generation == generation_) {
        auto [error, client] = co_await acceptor_.async_accept(as_result);
        if (error == net::error::operation_aborted)
            co_return; // closed: down or shutting down
        if (error) {
            // Out of descriptors and the like: wait rather than spin.
            log::warn("accepting a Kafka client failed: {}", error.message());
            backoff.expires_after(std::chrono::milliseconds{100});
            co_await backoff.async_wait(as_result);
            continue;
        }
        client.set_option(tcp::no_delay{true}, error);
        auto link = std::make_shared<Link>(std::move(client));
        link->broker().open(target_.protocol(), error);
        link->broker().set_option(tcp::no_delay{true}, error);
        links_.add(link);
        spawn(io_.get_executor(), forward(std::move(link), target_), "forwarding to the broker");
    }
}

} // namespace shop::dev_broker
