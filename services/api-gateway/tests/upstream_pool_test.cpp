#include "gateway/upstream_pool.hpp"

#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <sys/socket.h>
#include <thread>

using namespace shop;
using namespace shop::gateway;
using namespace std::chrono_literals;

namespace {

// An upstream on a loopback port that answers "ok" to every request of every connection,
// one connection at a time, and counts the connections. Blocking calls on a thread of its own.
class OkUpstream {
public:
    OkUpstream() : acceptor_{io_, {net::ip::address_v4::loopback(), 0}}
    {
        thread_ = std::jthread{[this] { serve(); }};
    }
    ~OkUpstream()
    {
        ::shutdown(acceptor_.native_handle(), SHUT_RDWR); // wakes the blocked accept
        thread_.join();
    }
    OkUpstream(OkUpstream const&) = delete;
    OkUpstream& operator=(OkUpstream const&) = delete;

    std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }
    int connections() const { return connections_.load(); }

private:
    void serve()
    {
        boost::system::error_code ec;
        for (auto socket = acceptor_.accept(ec); !ec; socket = acceptor_.accept(ec)) {
            ++connections_;
            std::string pending;
            std::array<char, 512> chunk{};
            for (std::size_t n; (n = socket.read_some(net::buffer(chunk), ec)) > 0 && !ec;) {
                pending.append(chunk.data(), n);
                for (auto end = pending.find("\r\n\r\n"); end != std::string::npos;
                     end = pending.find("\r\n\r\n")) {
                    pending.erase(0, end + 4);
                    net::write(socket,
                               net::buffer(std::string_view{"HTTP/1.1 200 OK\r\n"
                                                            "Content-Length: 2\r\n\r\nok"}),
                               ec);
                }
            }
            ec = {};
        }
    }

    net::io_context io_;
    tcp::acceptor acceptor_;
    std::atomic<int> connections_{0};
    std::jthread thread_;
};

// One GET on the connection; the whole answer.
awaitable<std::string> exchange(tcp::socket& socket)
{
    co_await net::async_write(
        socket, net::buffer(std::string_view{"GET / HTTP/1.1\r\nHost: x\r\n\r\n"}), use_awaitable);
    std::string answer;
    std::array<char, 256> chunk{};
    while (!answer.ends_with("ok")) {
        auto const n = co_await socket.async_read_some(net::buffer(chunk), use_awaitable);
        answer.append(chunk.data(), n);
    }
    co_return answer;
}

// Runs `work` on `io` until it is done; rethrows what it threw.
void run_on(net::io_context& io, std::function<awaitable<void>()> work)
{
    bool done = false;
    std::exception_ptr failure;
    net::co_spawn(io, std::move(work), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    while (!done && io.run_one_for(5s) > 0) {
    }
    REQUIRE(done);
    if (failure)
        std::rethrow_exception(failure);
}

} // namespace

TEST_CASE("an idle upstream connection made on one I/O thread serves a caller on another", "[pool]")
{
    OkUpstream upstream;
    // Two io_contexts as two I/O threads have them; each is run here in turn.
    net::io_context first{1};
    net::io_context second{1};
    UpstreamPool pool{"127.0.0.1", upstream.port(), PoolOptions{}};

    std::string answer;
    run_on(first, [&]() -> awaitable<void> {
        auto lease = co_await pool.acquire(Clock::now() + 2s);
        answer = co_await exchange(lease.connection().socket);
        lease.keep();
    });
    CHECK(answer.starts_with("HTTP/1.1 200 OK"));
    CHECK(pool.stats().idle == 1);

    bool moved = false;
    answer.clear();
    run_on(second, [&]() -> awaitable<void> {
        auto lease = pool.try_idle(co_await net::this_coro::executor);
        REQUIRE(lease);
        auto& socket = lease->connection().socket;
        moved = &net::query(socket.get_executor(), net::execution::context) == &second;
        answer = co_await exchange(socket);
        lease->keep();
    });
    CHECK(moved); // its I/O now runs on the caller's thread
    CHECK(answer.starts_with("HTTP/1.1 200 OK"));
    CHECK(upstream.connections() == 1);
    CHECK(pool.stats().idle == 1);
    pool.close_idle();
}
