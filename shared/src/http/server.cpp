#include <shop/http/error.hpp>
#include <shop/http/request_id.hpp>
#include <shop/http/serialize.hpp>
#include <shop/http/server.hpp>
#include <shop/log/log.hpp>
#include <shop/net/move_socket.hpp>
#include <shop/net/read.hpp>
#include <shop/net/write.hpp>
#include <shop/text/case.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace shop::http {
namespace {

namespace wire = boost::beast::http;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kReadSize = 16 * 1024;
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr std::size_t kLingerBytes = 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Deadlines are checked this often: a quarter of the shortest timeout, within 50 ms..1 s.
std::chrono::milliseconds sweep_interval(ServerOptions const& o)
{
    auto const shortest = std::min({o.header_timeout, o.request_timeout, o.keep_alive_timeout});
    return std::clamp<std::chrono::milliseconds>(shortest / 4, 50ms, 1000ms);
}

Error payload_too_large()
{
    return Error{Status::payload_too_large, "request entity too large"};
}

// What a failed read means for the client: an error response, or a silent close.
std::optional<Error> read_failure(boost::system::error_code ec, bool started, bool timed_out)
{
    if (ec == wire::error::header_limit)
        return Error{Status::request_header_fields_too_large, "Request header fields too large"};
    if (ec == wire::error::body_limit)
        return payload_too_large();
    if (timed_out)
        return started ? std::optional{Error{Status::request_timeout, "Request timeout"}}
                       : std::nullopt;
    if (ec == wire::error::end_of_stream || ec == wire::error::partial_message)
        return std::nullopt; // the client went away
    if (ec.category() == wire::make_error_code(wire::error::bad_method).category())
        return Error{Status::bad_request, "Malformed HTTP request"};
    return std::nullopt; // socket errors: nobody to answer
}

// Framing rules Beast leaves to us (RFC 9112 §3.2, §6.1): one Host in HTTP/1.1, and a
// Transfer-Encoding only when it ends in chunked, on HTTP/1.1. Anything else could be
// framed differently by a proxy in front: request smuggling.
std::optional<Error> check_head(wire::request_parser<wire::string_body> const& parser)
{
    auto const& head = parser.get();
    if (head.count(wire::field::transfer_encoding) > 0 &&
        (!parser.chunked() || head.version() < 11))
        return Error{Status::bad_request, "Unsupported Transfer-Encoding"};
    if (head.version() >= 11 && head.count(wire::field::host) != 1)
        return Error{Status::bad_request, "Exactly one Host header is required"};
    return std::nullopt;
}

// The request id for an answer to this request: the client's when its head has been read
// and the id is usable, else a new one.
std::string id_of(wire::request_parser<wire::string_body> const& parser)
{
    return parser.is_header_done() ? request_id_from(parser.get()["X-Request-Id"]) : new_uuid();
}

std::size_t field_count(wire::request<wire::string_body> const& message)
{
    return static_cast<std::size_t>(std::distance(message.begin(), message.end()));
}

// Beast adds a chunked body's trailer fields to the header's. They are dropped (RFC 9110
// §6.5.1: never merged into the header section), so nothing downstream takes a trailer for
// a header: neither a handler nor an upstream the gateway forwards to.
void drop_trailers(wire::request<wire::string_body>& message, std::size_t header_fields)
{
    auto it = message.begin();
    std::advance(it, header_fields);
    while (it != message.end())
        it = message.erase(it);
}

// Compares in time independent of where they differ, so timing tells nothing of the key.
bool same_secret(std::string_view given, std::string_view expected)
{
    unsigned char diff = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < given.size(); ++i)
        diff |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
    return diff == 0;
}

bool has_body(Status status)
{
    auto const code = static_cast<unsigned>(status);
    return code >= 200 && code != 204 && code != 304;
}

std::string_view method_label(Request const& request)
{
    return request.method() == Verb::unknown ? std::string_view{"OTHER"} : request.method_name();
}

// One line per request, in pino-http's spirit; responseTime in milliseconds, to the µs.
void log_access(Request const& request, unsigned status, double seconds)
{
    log::Line line{status >= 500 ? log::Level::error : log::Level::info, request.log_context()};
    line.field("method", request.method_name()).field("url", request.target());
    if (!request.route().empty())
        line.field("route", request.route());
    line.field("statusCode", status)
        .field("responseTime", std::round(seconds * 1e6) / 1e3)
        .emit("request completed");
}

// The 404, or the 405 with its Allow header when only the method was wrong.
Response unmatched(Request const& request, std::string allowed)
{
    auto message = fmt::format("Cannot {} {}", request.method_name(), request.path());
    if (allowed.empty())
        return Response::error(Error{Status::not_found, std::move(message)}, request.request_id());
    auto response = Response::error(Error{Status::method_not_allowed, std::move(message)},
                                    request.request_id());
    response.header("Allow", std::move(allowed));
    return response;
}

} // namespace

std::shared_ptr<Server> Server::create(std::vector<net::io_context*> shards, ServerOptions options,
                                       Router routes, metrics::Registry& registry)
{
    return std::make_shared<Server>(std::move(shards), std::move(options), std::move(routes),
                                    registry);
}

Server::Server(std::vector<net::io_context*> shards, ServerOptions options, Router routes,
               metrics::Registry& registry)
    : shards_{std::move(shards)}, options_{std::move(options)},
      balancer_{shards_.size(), options_.balance}, default_headers_{options_.default_headers},
      routes_{std::move(routes)}, registry_{registry}, metrics_{registry, routes_.routes().size()},
      strand_{net::make_strand(*shards_.at(0))}, acceptor_{*shards_.front()}, sweep_timer_{strand_}
{
    tcp::endpoint const endpoint{net::ip::make_address(options_.host), options_.port};
    try {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
    } catch (boost::system::system_error const& e) {
        throw std::runtime_error{fmt::format("cannot listen on {}:{}: {}", options_.host,
                                             options_.port, e.code().message())};
    }
    port_ = acceptor_.local_endpoint().port();
}

void Server::start()
{
    add_thread_metrics();
    net::co_spawn(strand_, accept_loop(), net::detached);
    net::co_spawn(strand_, sweep_loop(), net::detached);
}

// Read when scraped: nothing on the request path.
void Server::add_thread_metrics()
{
    auto& connections = registry_.gauge("http_io_thread_connections",
                                        "Open HTTP connections on each I/O thread.", {"thread"});
    auto& load = registry_.gauge("http_io_thread_load",
                                 "Share of a core each I/O thread used over its last measuring "
                                 "window (0 after two windows without a finished request).",
                                 {"thread"});
    registry_.on_scrape([weak = weak_from_this(), &connections, &load] {
        auto const self = weak.lock();
        if (!self)
            return;
        for (std::size_t i = 0; i < self->balancer_.threads(); ++i) {
            auto const thread = std::to_string(i);
            connections.with({thread}).set(static_cast<double>(self->balancer_.connections(i)));
            load.with({thread}).set(self->balancer_.load(i));
        }
    });
}

void Server::drain(std::function<void()> on_drained)
{
    if (draining_.exchange(true, std::memory_order_acq_rel))
        return;
    net::post(strand_, [self = shared_from_this()] {
        boost::system::error_code ignored;
        self->acceptor_.close(ignored);
    });
    connections_->on_empty(std::move(on_drained));
    connections_->close_idle_if_quiet();
}

void Server::close_all()
{
    // The drain is over: nothing may run when the last connection goes later, perhaps
    // while the io_context is being destroyed.
    connections_->on_empty(nullptr);
    connections_->close_all();
    net::post(strand_, [self = shared_from_this()] { self->sweep_timer_.cancel(); });
}

awaitable<void> Server::accept_loop()
{
    auto const self = shared_from_this();
    for (;;) {
        // The new socket belongs to the chosen thread's io_context, not to this strand.
        auto thread = balancer_.place();
        auto [ec, accepted] = co_await acceptor_.async_accept(*shards_[thread], as_result);
        if (ec == net::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (ec) {
            // Out of descriptors or memory: back off a little instead of spinning.
            log::warn("accept failed: {}", ec.message());
            net::steady_timer pause{strand_, 50ms};
            co_await pause.async_wait(as_result);
            continue;
        }
        if (draining())
            continue; // the socket closes as it goes out of scope
        tcp::socket socket{std::move(accepted)};
        // The choice was made when the wait began, perhaps long ago: made again now.
        if (auto const now = balancer_.place(); now != thread) {
            socket = move_socket(std::move(socket), shards_[now]->get_executor(), ec);
            if (ec)
                continue;
            thread = now;
        }
        socket.set_option(tcp::no_delay(true), ec);
        // In the table before the session starts, so a drain never misses it.
        ConnectionTable::Entry entry{connections_, socket.native_handle()};
        balancer_.opened(thread);
        net::co_spawn(*shards_[thread], session(std::move(socket), std::move(entry), thread),
                      net::detached);
    }
}

awaitable<void> Server::sweep_loop()
{
    auto const self = shared_from_this();
    auto const interval = sweep_interval(options_);
    for (;;) {
        sweep_timer_.expires_after(interval);
        auto [ec] = co_await sweep_timer_.async_wait(as_result);
        if (ec)
            co_return;
        connections_->sweep();
    }
}

awaitable<void> Server::session(tcp::socket socket, ConnectionTable::Entry entry,
                                std::size_t thread)
{
    auto const self = shared_from_this();
    try {
        auto const to = co_await serve(socket, entry.connection(), thread);
        if (to && hand_over(socket, entry, *to))
            co_return;
        thread = to.value_or(thread); // counted there already
    } catch (std::exception const& e) {
        log::debug("connection failed: {}", e.what());
    }
    balancer_.closed(thread);
    entry.leave(); // before the close: the sweeper never shuts a reused fd
    boost::system::error_code ignored;
    socket.close(ignored);
    if (draining())
        connections_->close_idle_if_quiet();
}

// The connection goes on in a new session on thread `to`, with the same table entry (its fd
// stays the same). Nothing is pending on the socket and nothing is buffered.
bool Server::hand_over(tcp::socket& socket, ConnectionTable::Entry& entry, std::size_t to)
{
    boost::system::error_code ec;
    auto moved = move_socket(std::move(socket), shards_[to]->get_executor(), ec);
    if (ec) {
        log::debug("connection not moved: {}", ec.message());
        return false;
    }
    net::co_spawn(*shards_[to], session(std::move(moved), std::move(entry), to), net::detached);
    return true;
}

awaitable<std::optional<std::size_t>> Server::serve(tcp::socket& socket, Connection& connection,
                                                    std::size_t thread)
{
    boost::beast::flat_buffer buffer;
    std::string head; // reused for every response on this connection
    boost::system::error_code ec;
    auto const peer = socket.remote_endpoint(ec);
    auto const client_address = ec ? std::string{} : peer.address().to_string();
    ec = {};
    for (;;) {
        wire::request_parser<wire::string_body> parser;
        // The limit is set once the head is in, so that a refusal carries the client's id.
        parser.body_limit(boost::none);
        parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));

        // Idle until the first byte of a request, then the head must arrive in time.
        bool started = buffer.size() > 0;
        if (!started && buffer.capacity() > kReadSize)
            buffer.shrink_to_fit(); // an idle connection keeps no large buffer
        connection.enter(started ? Phase::reading : Phase::idle,
                         started ? options_.header_timeout : options_.keep_alive_timeout);
        while (!ec && !parser.is_header_done()) {
            // Parse what is buffered first (pipelined requests), then read what is missing.
            if (buffer.size() > 0) {
                buffer.consume(parser.put(buffer.data(), ec));
                if (ec == wire::error::need_more)
                    ec = {};
                if (ec || parser.is_header_done())
                    break;
            }
            std::size_t n = 0;
            std::tie(ec, n) = co_await socket.async_read_some(
                DrainingBuffer{buffer.prepare(kReadSize)}, as_result);
            if (ec == net::error::eof)
                ec = started ? wire::error::partial_message : wire::error::end_of_stream;
            buffer.commit(n);
            if (!started && n > 0) {
                started = true;
                connection.enter(Phase::reading, options_.header_timeout);
            }
        }
        if (!ec) {
            if (auto const invalid = check_head(parser)) {
                co_await reject(socket, connection, *invalid, head, id_of(parser));
                co_return std::nullopt;
            }
            if (auto const length = parser.content_length();
                length && *length > options_.body_limit) {
                co_await reject(socket, connection, payload_too_large(), head, id_of(parser));
                co_return std::nullopt;
            }
            parser.body_limit(options_.body_limit); // a chunked body is cut off past it
        }
        // Only a chunked body can bring trailers: counted for it alone.
        auto const header_fields = !ec && parser.chunked() ? field_count(parser.get()) : 0;
        if (!ec && !parser.is_done()) {
            if (parser.get().version() >= 11 &&
                text::iequals(parser.get()[wire::field::expect], "100-continue"))
                std::tie(ec, std::ignore) =
                    co_await net::async_write(socket, net::buffer(kContinue), as_result);
            connection.enter(Phase::reading, options_.request_timeout);
            DrainingStream stream{socket};
            if (!ec)
                std::tie(ec, std::ignore) =
                    co_await wire::async_read(stream, buffer, parser, as_result);
        }
        if (ec) {
            if (auto const failure = read_failure(ec, started, connection.timed_out()))
                co_await reject(socket, connection, *failure, head, id_of(parser));
            co_return std::nullopt;
        }
        if (parser.chunked())
            drop_trailers(parser.get(), header_fields);

        auto const started_at = Clock::now();
        connection.enter(Phase::handling, {});
        bool const keep_alive = parser.get().keep_alive() && !draining();
        bool const http10 = parser.get().version() == 10;
        auto request_id = id_of(parser);
        Request request{parser.release(), std::move(request_id)};
        request.set_client_address(client_address);

        Route const* route = nullptr;
        Response const response = co_await dispatch(request, route);

        bool const streamed = response.stream && request.method() != Verb::head;
        bool const close = !keep_alive || draining() || streamed;
        serialize_head(head, response, {request.request_id(), !close, http10, &default_headers_});
        bool const with_body = request.method() != Verb::head && has_body(response.status);
        std::array<net::const_buffer, 2> const buffers{
            net::buffer(head), with_body ? net::buffer(response.body) : net::const_buffer{}};
        connection.enter(Phase::writing, options_.request_timeout);
        auto sent = write_now(socket, buffers);
        if (!sent.done)
            std::tie(sent.ec, std::ignore) = co_await write_rest(socket, buffers, sent.bytes);
        ec = sent.ec;
        if (!ec && streamed)
            co_await write_stream(socket, connection, response);

        auto const finished_at = Clock::now();
        auto const seconds = std::chrono::duration<double>(finished_at - started_at).count();
        auto const status = static_cast<unsigned>(response.status);
        metrics_.record(route, request.method(), method_label(request), status, seconds);
        log_access(request, status, seconds);
        if (ec)
            co_return std::nullopt;
        if (close || draining())
            break;
        // Between requests, with nothing of the next one read yet, it may move threads.
        if (buffer.size() == 0) {
            if (auto const to = balancer_.next(thread, finished_at); to != thread)
                co_return to;
        }
    }
    co_await linger(socket, connection);
    co_return std::nullopt;
}

namespace {

// The connection as a Stream: each write within the write timeout, idle in between.
class SocketStream final : public Stream {
public:
    SocketStream(tcp::socket& socket, Connection& connection, Server const& server,
                 std::chrono::milliseconds write_timeout)
        : socket_{socket}, connection_{connection}, server_{server}, write_timeout_{write_timeout}
    {}
    awaitable<bool> write(std::string_view data) override
    {
        connection_.enter(Phase::writing, write_timeout_);
        auto const buffer = net::buffer(data);
        auto const [ec, n] = co_await write_all(socket_, {&buffer, 1});
        connection_.enter(Phase::handling, {});
        co_return !ec;
    }
    bool closing() const override { return server_.draining(); }

private:
    tcp::socket& socket_;
    Connection& connection_;
    Server const& server_;
    std::chrono::milliseconds write_timeout_;
};

} // namespace

awaitable<void> Server::write_stream(tcp::socket& socket, Connection& connection,
                                     Response const& response)
{
    SocketStream stream{socket, connection, *this, options_.request_timeout};
    connection.enter(Phase::handling, {});
    try {
        co_await response.stream(stream);
    } catch (std::exception const& e) {
        log::warn("response stream ended: {}", e.what());
    }
}

awaitable<void> Server::reject(tcp::socket& socket, Connection& connection, Error const& error,
                               std::string& head, std::string request_id)
{
    auto const response = Response::error(error, request_id);
    serialize_head(head, response, {request_id, false, false, &default_headers_});
    std::array<net::const_buffer, 2> const buffers{net::buffer(head), net::buffer(response.body)};
    connection.enter(Phase::writing, options_.request_timeout);
    co_await write_all(socket, buffers); // best effort: closing anyway
    auto const status = static_cast<unsigned>(error.status());
    metrics_.record(nullptr, Verb::unknown, "OTHER", status, 0.0);
    log::Line(log::Level::warn, {request_id, {}, {}})
        .field("statusCode", status)
        .emit(error.what());
    co_await linger(socket, connection);
}

awaitable<void> Server::linger(tcp::socket& socket, Connection& connection)
{
    // Closing with unread input makes the kernel send a reset, which can destroy the
    // response still in flight: end our side, then read and drop what the client sends,
    // for a bounded time and amount.
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    connection.enter(Phase::closing, kLingerTime);
    std::array<char, 4096> sink{};
    std::size_t discarded = 0;
    while (!ec && discarded < kLingerBytes) {
        std::size_t n = 0;
        std::tie(ec, n) = co_await socket.async_read_some(net::buffer(sink), as_result);
        discarded += n;
    }
}

awaitable<Response> Server::dispatch(Request& request, Route const*& matched)
{
    std::exception_ptr failure;
    std::string cause;
    try {
        if (!request.has_valid_target())
            throw Error{Status::bad_request, "Malformed request target"};
        if (!options_.api_key.empty() && request.is_api() &&
            !same_secret(request.header("x-api-key"), options_.api_key))
            throw Error{Status::unauthorized, "Invalid or missing API key"};
        auto match = routes_.match(request.method(), request.path());
        if (!match.route) {
            auto response = unmatched(request, std::move(match.allowed));
            if (routes_.fallback())
                co_return co_await routes_.fallback()(request, std::move(response));
            co_return response;
        }
        matched = match.route;
        request.set_route(match.route->pattern, std::move(match.params));
        co_return co_await match.route->handler(request);
    } catch (std::exception const& e) {
        failure = std::current_exception();
        cause = e.what();
    } catch (...) {
        failure = std::current_exception();
        cause = "unknown exception";
    }
    auto const error = to_http_error(failure);
    if (static_cast<unsigned>(error.status()) >= 500)
        log::Line(log::Level::error, request.log_context())
            .field("route", request.route())
            .field("err", cause)
            .emit("request failed");
    co_return Response::error(error, request.request_id());
}

} // namespace shop::http
