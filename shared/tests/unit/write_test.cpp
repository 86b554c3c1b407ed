#include "socket_pair.hpp"

#include <shop/net/write.hpp>

#include <boost/asio/read.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

using namespace shop;

namespace {

using Pair = testing::SocketPair;

std::string pattern(std::size_t size)
{
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        text[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return text;
}

// Everything the peer sends into `received`, until it shuts its side.
awaitable<void> read_until_closed(tcp::socket& reader, std::string& received)
{
    std::array<char, 16 * 1024> chunk{};
    for (;;) {
        auto const [ec, n] = co_await reader.async_read_some(net::buffer(chunk), as_result);
        received.append(chunk.data(), n);
        if (ec)
            co_return;
    }
}

template <class T>
T run(net::io_context& io, awaitable<T> task)
{
    auto future = net::co_spawn(io, std::move(task), net::use_future);
    io.run();
    io.restart();
    return future.get();
}

} // namespace

TEST_CASE("a message the socket takes at once arrives whole, its pieces in order", "[write]")
{
    net::io_context io;
    Pair pair{io};
    // More pieces than one system call takes: the rest go out after it.
    std::vector<std::string> pieces;
    std::vector<net::const_buffer> buffers;
    std::string expected;
    for (int i = 0; i < 11; ++i)
        expected += pieces.emplace_back(std::to_string(i) + ":" + std::string(i * 3, 'x') + ";");
    for (auto const& piece : pieces)
        buffers.push_back(net::buffer(piece));

    auto const [ec, written] = run(io, write_all(pair.writer, buffers));
    REQUIRE_FALSE(ec);
    CHECK(written == expected.size());
    std::string received(expected.size(), '\0');
    net::read(pair.reader, net::buffer(received));
    CHECK(received == expected);
}

TEST_CASE("a message larger than the send buffer is written whole as the peer reads it", "[write]")
{
    net::io_context io;
    Pair pair{io};
    pair.writer.set_option(net::socket_base::send_buffer_size{4096});
    pair.reader.set_option(net::socket_base::receive_buffer_size{4096});
    auto const message = pattern(4 * 1024 * 1024);

    // What does not fit now is no error: the socket takes part of it, then nothing, and
    // never blocks.
    boost::system::error_code ec;
    std::size_t sent = 0;
    std::size_t last = 1;
    for (int attempt = 0; attempt < 1000 && last > 0 && !ec; ++attempt) {
        last = send_now(pair.writer, std::array{net::buffer(message) + sent}, ec);
        sent += last;
    }
    REQUIRE_FALSE(ec);
    CHECK(last == 0);
    REQUIRE(sent > 0);
    REQUIRE(sent < message.size());

    std::string received;
    net::co_spawn(io, read_until_closed(pair.reader, received), net::detached);
    std::array const rest{net::buffer(message) + sent};
    auto writing = [&]() -> awaitable<std::tuple<boost::system::error_code, std::size_t>> {
        auto result = co_await write_all(pair.writer, rest);
        pair.writer.shutdown(tcp::socket::shutdown_send);
        co_return result;
    };
    auto const [write_ec, written] = run(io, writing());
    REQUIRE_FALSE(write_ec);
    CHECK(written == message.size() - sent);
    REQUIRE(received.size() == message.size());
    CHECK(received == message);
}

TEST_CASE("writing to a peer that closed fails with an error, not a signal", "[write]")
{
    net::io_context io;
    Pair pair{io};
    pair.reader.close();
    auto const message = pattern(64 * 1024);
    std::array const buffers{net::buffer(message)};
    // The first write may still be taken; the peer's reset makes a later one fail.
    boost::system::error_code ec;
    for (int attempt = 0; attempt < 100 && !ec; ++attempt)
        std::tie(ec, std::ignore) = run(io, write_all(pair.writer, buffers));
    CHECK((ec == net::error::broken_pipe || ec == net::error::connection_reset));
}

TEST_CASE("write_now sends what the socket takes, and write_rest the remainder after it", "[write]")
{
    net::io_context io;
    Pair pair{io};
    pair.writer.set_option(net::socket_base::send_buffer_size{4096});
    pair.reader.set_option(net::socket_base::receive_buffer_size{4096});
    auto const head = pattern(100);
    auto const body = pattern(2 * 1024 * 1024);
    std::array const buffers{net::buffer(head), net::buffer(body)};

    auto const sent = write_now(pair.writer, buffers);
    REQUIRE_FALSE(sent.ec);
    CHECK_FALSE(sent.done);
    REQUIRE(sent.bytes > 0);
    REQUIRE(sent.bytes < head.size() + body.size());

    std::string received;
    net::co_spawn(io, read_until_closed(pair.reader, received), net::detached);
    auto writing = [&]() -> awaitable<std::tuple<boost::system::error_code, std::size_t>> {
        auto result = co_await write_rest(pair.writer, buffers, sent.bytes);
        pair.writer.shutdown(tcp::socket::shutdown_send);
        co_return result;
    };
    auto const [ec, total] = run(io, writing());
    REQUIRE_FALSE(ec);
    CHECK(total == head.size() + body.size()); // counted from the start, write_now's included
    REQUIRE(received.size() == head.size() + body.size());
    CHECK(received == head + body);

    // A message the socket takes whole is done at once.
    Pair other{io};
    auto const small = write_now(other.writer, std::array{net::buffer(head)});
    CHECK(small.done);
    CHECK_FALSE(small.ec);
    CHECK(small.bytes == head.size());
}
