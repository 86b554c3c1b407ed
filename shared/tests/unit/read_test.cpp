#include "socket_pair.hpp"

#include <shop/net/read.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <dlfcn.h>
#include <string>
#include <sys/socket.h>

using namespace shop;
using namespace std::chrono_literals;
using Pair = testing::SocketPair;

namespace {

// recv() calls made on one socket, counted by the definition below, which every recv of this
// test program (Asio's included) goes through.
std::atomic<int> watched_socket{-1};
std::atomic<int> recv_calls{0};

} // namespace

extern "C" ssize_t recv(int socket, void* data, size_t size, int flags)
{
    using Recv = ssize_t (*)(int, void*, size_t, int);
    static auto const next = reinterpret_cast<Recv>(dlsym(RTLD_NEXT, "recv"));
    if (socket == watched_socket.load())
        ++recv_calls;
    return next(socket, data, size, flags);
}

namespace {

awaitable<void> send_later(tcp::socket& writer, std::string text,
                           std::chrono::milliseconds delay = 10ms)
{
    net::steady_timer timer{writer.get_executor(), delay};
    co_await timer.async_wait(use_awaitable);
    net::write(writer, net::buffer(text));
}

// Runs `task` until it ends (at most two seconds: a read that waits for data that is already
// there would otherwise hang the test).
template <class T>
T run(net::io_context& io, awaitable<T> task)
{
    auto future = net::co_spawn(io, std::move(task), net::use_future);
    io.run_for(2s);
    io.restart();
    REQUIRE(future.wait_for(0s) == std::future_status::ready);
    return future.get();
}

// Two reads of data that arrives after each read starts, the second counted: how many recv
// calls it took to get its four bytes.
template <class MakeBuffer>
awaitable<int> recv_calls_of_second_read(Pair& pair, MakeBuffer make_buffer)
{
    auto const executor = co_await net::this_coro::executor;
    std::string room(64, '\0');
    net::co_spawn(executor, send_later(pair.writer, "abc"), net::detached);
    auto const [first_ec, first] =
        co_await pair.reader.async_read_some(make_buffer(net::buffer(room)), as_result);
    REQUIRE_FALSE(first_ec);
    CHECK(room.substr(0, first) == "abc");

    watched_socket = pair.reader.native_handle();
    recv_calls = 0;
    net::co_spawn(executor, send_later(pair.writer, "defg"), net::detached);
    auto const [second_ec, second] =
        co_await pair.reader.async_read_some(make_buffer(net::buffer(room)), as_result);
    watched_socket = -1;
    REQUIRE_FALSE(second_ec);
    CHECK(room.substr(0, second) == "defg");
    co_return recv_calls.load();
}

} // namespace

TEST_CASE("after a read that took less than it asked for, the next read waits for data before "
          "it calls recv",
          "[read]")
{
    net::io_context io;
    Pair pair{io};
    auto const draining = run(io, recv_calls_of_second_read(pair, [](net::mutable_buffer room) {
                                  return DrainingBuffer{room};
                              }));
    CHECK(draining == 1);

    // Asio's own read tries first and finds nothing: the call the draining read saves.
    Pair plain{io};
    auto const asio =
        run(io, recv_calls_of_second_read(plain, [](net::mutable_buffer room) { return room; }));
    CHECK(asio == 2);
}

TEST_CASE("a read that fills its buffer leaves the next to read on at once", "[read]")
{
    net::io_context io;
    Pair pair{io};
    net::write(pair.writer, net::buffer(std::string(100, 'x')));
    auto reading = [&]() -> awaitable<std::string> {
        std::string got;
        std::string room(40, '\0');
        // 40 and 40 fill the buffer, so more may be waiting; then the last 20, with no new data
        // to wake the reactor.
        while (got.size() < 100) {
            auto const [ec, n] =
                co_await pair.reader.async_read_some(DrainingBuffer{net::buffer(room)}, as_result);
            REQUIRE_FALSE(ec);
            got.append(room, 0, n);
        }
        co_return got;
    };
    CHECK(run(io, reading()) == std::string(100, 'x'));
}

TEST_CASE("a draining read reports the end of the stream and data sent just before it", "[read]")
{
    net::io_context io;
    Pair pair{io};
    auto reading = [&]() -> awaitable<std::string> {
        auto const executor = co_await net::this_coro::executor;
        net::co_spawn(executor, send_later(pair.writer, "last words"), net::detached);
        std::string got;
        std::string room(64, '\0');
        for (;;) {
            auto const [ec, n] =
                co_await pair.reader.async_read_some(DrainingBuffer{net::buffer(room)}, as_result);
            got.append(room, 0, n);
            if (ec == net::error::eof)
                co_return got;
            REQUIRE_FALSE(ec);
            if (got == "last words")
                pair.writer.shutdown(tcp::socket::shutdown_send);
        }
    };
    CHECK(run(io, reading()) == "last words");
}

TEST_CASE("Beast reads a message that arrives in parts through a DrainingStream", "[read]")
{
    namespace http = boost::beast::http;
    net::io_context io;
    Pair pair{io};
    auto reading = [&]() -> awaitable<std::pair<http::response<http::string_body>, int>> {
        auto const executor = co_await net::this_coro::executor;
        net::write(pair.writer,
                   net::buffer(std::string{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"}));
        net::steady_timer settle{executor, 10ms}; // the reactor sees the first part arrive
        co_await settle.async_wait(use_awaitable);
        net::co_spawn(executor, send_later(pair.writer, "\r\nhello", 20ms), net::detached);
        net::co_spawn(executor, send_later(pair.writer, "-part", 40ms), net::detached);

        watched_socket = pair.reader.native_handle();
        recv_calls = 0;
        DrainingStream stream{pair.reader};
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> response;
        auto const [ec, n] = co_await http::async_read(stream, buffer, response, as_result);
        watched_socket = -1;
        REQUIRE_FALSE(ec);
        co_return std::pair{std::move(response), recv_calls.load()};
    };
    auto const [response, calls] = run(io, reading());
    CHECK(response.result_int() == 200);
    CHECK(response.body() == "hello-part");
    // One recv for each part, none that found nothing (Asio's own reads would make five).
    CHECK(calls == 3);
}
