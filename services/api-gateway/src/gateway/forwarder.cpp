#include "gateway/forwarder.hpp"

#include "gateway/hop_by_hop.hpp"
#include "gateway/upstream_response.hpp"

#include <shop/log/log.hpp>
#include <shop/net/read.hpp>
#include <shop/net/write.hpp>
#include <shop/text/append.hpp>
#include <shop/text/case.hpp>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <array>

namespace shop::gateway {
namespace {

namespace wire = boost::beast::http;
using text::iequals;
using namespace std::string_view_literals; // appended without a strlen

// The request as the upstream gets it, serialised once: a retry sends the same bytes.
struct UpstreamRequest {
    http::Verb method;
    std::string head;      // request line and headers, through the blank line
    std::string_view body; // the client's, owned by its request
};

enum class Failure { none, busy, connect_failed, stale, reset, timeout, bad_response };

std::string_view to_string(Failure failure)
{
    switch (failure) {
    case Failure::none:
        return "none";
    case Failure::busy:
        return "pool full";
    case Failure::connect_failed:
        return "connect failed";
    case Failure::stale:
        return "kept-alive connection closed by upstream";
    case Failure::reset:
        return "connection failed";
    case Failure::timeout:
        return "timeout";
    case Failure::bad_response:
        return "bad response";
    }
    return "unknown";
}

struct Attempt {
    Failure failure = Failure::none;
    std::string detail; // for the log only
    http::Response response;
};

std::vector<std::string> connection_options_of(http::Request::Message const& message)
{
    std::vector<std::string_view> values;
    for (auto const& field : message)
        if (field.name() == wire::field::connection)
            values.push_back(field.value());
    return connection_options(values);
}

void append_header(std::string& out, std::string_view name, std::string_view value)
{
    text::append_all(out, name, ": "sv, value, "\r\n"sv);
}

// Methods whose requests announce their length even when empty (RFC 9110 §8.6).
bool expects_body(http::Verb method)
{
    return method == http::Verb::post || method == http::Verb::put || method == http::Verb::patch;
}

// Written straight into one string rather than through Beast's message and serializer: the
// parser has already refused field names and values that could split a header.
UpstreamRequest upstream_request(Upstream const& upstream, Exchange const& exchange,
                                 std::string const& api_key)
{
    auto const& request = exchange.request;
    auto const& in = request.message();
    UpstreamRequest out{request.method(), {}, request.body()};
    auto& head = out.head;
    head.reserve(512 + request.target().size());
    // Origin form whatever the client sent (RFC 9112 §3.2): an absolute-form target's
    // authority is the gateway's business, never the upstream's.
    auto const query = request.query_string();
    text::append_all(head, request.method_name(), " "sv, upstream.config.base_path, request.path(),
                     query.empty() ? ""sv : "?"sv, query, " HTTP/1.1\r\n"sv);

    append_header(head, "Host", upstream.host_header);
    auto const options = connection_options_of(in);
    auto const set_by_stage = [&exchange](std::string_view name) {
        return std::ranges::any_of(exchange.upstream_headers, [name](auto const& header) {
            return iequals(header.first, name);
        });
    };
    for (auto const& field : in) {
        auto const name = field.name_string();
        if (is_hop_by_hop(name, options) || iequals(name, "host") ||
            iequals(name, "content-length") || iequals(name, "expect") ||
            iequals(name, "x-api-key") || iequals(name, "x-request-id") || set_by_stage(name))
            continue;
        append_header(head, name, field.value());
    }
    // The client's own when the chassis kept it, else the one it assigned: the services log
    // the same id.
    append_header(head, "X-Request-Id", request.request_id());
    for (auto const& [name, value] : exchange.upstream_headers)
        append_header(head, name, value);
    if (!api_key.empty())
        append_header(head, "x-api-key", api_key);
    if (!out.body.empty() || expects_body(out.method))
        append_header(head, "Content-Length", std::to_string(out.body.size()));
    head.append("\r\n"sv);
    return out;
}

// What a failed exchange means. `unchecked`: a kept-alive connection leased without the
// liveness peek; there, bytes that are no status line may be what the upstream wrote
// before it closed the idle connection: stale. Once a status line has come (`answered`),
// the upstream has taken the request, so a malformed or oversized answer is never retried.
Failure classify(boost::system::error_code ec, bool timed_out, bool reused, bool unchecked,
                 bool got_some, bool answered)
{
    if (timed_out)
        return Failure::timeout;
    if (reused && !got_some &&
        (ec == wire::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe))
        return Failure::stale;
    if (ec.category() == wire::make_error_code(wire::error::bad_method).category() &&
        ec != wire::error::end_of_stream && ec != wire::error::partial_message)
        return unchecked && !answered ? Failure::stale : Failure::bad_response;
    return Failure::reset;
}

Failure failure_of(PoolError const& e)
{
    switch (e.kind()) {
    case PoolError::Kind::busy:
        return Failure::busy;
    case PoolError::Kind::timeout:
        return Failure::timeout;
    case PoolError::Kind::connect_failed:
        return Failure::connect_failed;
    }
    return Failure::connect_failed;
}

// One request and its response on a leased connection, from the caller's coroutine, into
// `a` (the caller's: a result held in this frame too would make it too large for Asio to
// recycle). The deadline bounds the write and the read: past it, the pool's sweeper shuts
// the socket.
awaitable<void> attempt(Upstream& upstream, UpstreamRequest& out, Clock::time_point deadline,
                        std::size_t response_limit, UpstreamPool::Check check, Attempt& a)
{
    // An idle connection at once when there is one; else from the queue or a new one.
    auto lease = upstream.pool.try_idle(co_await net::this_coro::executor, check);
    if (!lease) {
        try {
            lease.emplace(co_await upstream.pool.acquire(deadline));
        } catch (PoolError const& e) {
            a.failure = failure_of(e);
            a.detail = e.what();
            co_return;
        }
    }
    auto& connection = lease->connection();
    bool const reused = connection.reused;
    bool const unchecked = reused && check == UpstreamPool::Check::none;
    auto const failed = [&](boost::system::error_code ec, std::string_view step, bool got_some,
                            bool answered) {
        a.failure = classify(ec, connection.timed_out(), reused, unchecked, got_some, answered);
        a.detail = std::string{step} + ec.message();
    };

    connection.enter(http::Phase::writing, deadline);
    std::array<net::const_buffer, 2> const request{net::buffer(out.head), net::buffer(out.body)};
    auto sent = write_now(connection.socket, request);
    if (!sent.done)
        std::tie(sent.ec, std::ignore) =
            co_await write_rest(connection.socket, request, sent.bytes);
    if (sent.ec) {
        failed(sent.ec, "write: ", false, false);
        co_return;
    }
    UpstreamResponseParser parser;
    parser.body_limit(response_limit);
    parser.header_limit(64 * 1024);
    parser.skip(out.method == http::Verb::head);
    connection.enter(http::Phase::reading, deadline);
    DrainingStream stream{connection.socket};
    auto const [read_ec, read] =
        co_await wire::async_read(stream, connection.buffer, parser, as_result);
    connection.enter(http::Phase::idle, deadline);
    if (read_ec) {
        failed(read_ec, "read: ", parser.got_some(), parser.answered());
        co_return;
    }
    if (unchecked && parser.response().status == http::Status::request_timeout) {
        // Most likely not an answer to this request but what the upstream wrote as it closed
        // the idle connection, which the unchecked lease did not look for: stale.
        a.failure = Failure::stale;
        a.detail = "408 on a kept-alive connection";
        co_return;
    }
    a.response = std::move(parser.response());
    if (out.method == http::Verb::head) // no body came: the length a GET would have
        if (auto const length = parser.content_length())
            a.response.head_length = *length;
    // Reusable only after a complete exchange that both sides keep alive, with nothing
    // unasked left over, and that the sweeper did not shut as it ended.
    if (parser.keep_alive() && connection.buffer.size() == 0 && !connection.timed_out())
        lease->keep();
}

http::Response error_response(http::Status status, std::string message, Exchange const& exchange)
{
    return http::Response::error(http::Error{status, std::move(message)},
                                 exchange.request.request_id());
}

std::string retry_after_seconds(std::chrono::milliseconds wait)
{
    return std::to_string(
        std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(wait).count()));
}

} // namespace

bool is_idempotent(http::Verb method)
{
    switch (method) {
    case http::Verb::get:
    case http::Verb::head:
    case http::Verb::put:
    case http::Verb::delete_:
    case http::Verb::options:
        return true;
    default:
        return false;
    }
}

awaitable<http::Response> Forwarder::forward(Upstream& upstream, Exchange& exchange) const
{
    auto const admission = upstream.breaker.admit();
    if (!admission.allowed) {
        auto response = error_response(http::Status::service_unavailable, "Circuit open", exchange);
        response.header("Retry-After", retry_after_seconds(admission.retry_after));
        co_return response;
    }
    upstream.retry_budget.on_request();
    auto out = upstream_request(upstream, exchange, options_.api_key);
    auto const started = Clock::now();
    auto const deadline = started + options_.timeout;

    // A request that may be retried goes out on an idle connection unchecked (the check is a
    // system call per request). Should that connection turn out closed, the retry takes a
    // checked one and spends no retry budget: an upstream closing an idle connection says
    // nothing of its health.
    bool const idempotent = is_idempotent(exchange.request.method());
    using Check = UpstreamPool::Check;
    Attempt result;
    co_await attempt(upstream, out, deadline, options_.response_limit,
                     idempotent ? Check::none : Check::alive, result);
    bool const stale = result.failure == Failure::stale; // on an idempotent request: unchecked
    bool const retryable = stale || result.failure == Failure::connect_failed;
    if (retryable && idempotent && Clock::now() < deadline &&
        (stale || upstream.retry_budget.try_retry())) {
        log::Line(log::Level::debug, exchange.request.log_context())
            .field("upstream", upstream.config.name)
            .field("err", result.detail)
            .emit("retrying upstream request");
        result = {};
        co_await attempt(upstream, out, deadline, options_.response_limit, Check::alive, result);
    }

    if (result.failure == Failure::none) {
        auto const status = static_cast<unsigned>(result.response.status);
        bool const unhealthy = status == 502 || status == 503 || status == 504 ||
                               Clock::now() - started > options_.slow_call;
        if (unhealthy)
            upstream.breaker.on_failure();
        else
            upstream.breaker.on_success();
        co_return std::move(result.response);
    }

    log::Line(log::Level::warn, exchange.request.log_context())
        .field("upstream", upstream.config.name)
        .field("failure", to_string(result.failure))
        .field("err", result.detail)
        .emit("upstream request failed");
    if (result.failure == Failure::busy) {
        // The gateway's own queue is full: says nothing about the upstream's health.
        auto response =
            error_response(http::Status::service_unavailable, "Upstream service busy", exchange);
        response.header("Retry-After", "1");
        co_return response;
    }
    upstream.breaker.on_failure();
    if (result.failure == Failure::timeout)
        co_return error_response(http::Status::gateway_timeout, "Upstream service timed out",
                                 exchange);
    co_return error_response(http::Status::bad_gateway, "Upstream service unavailable", exchange);
}

} // namespace shop::gateway
