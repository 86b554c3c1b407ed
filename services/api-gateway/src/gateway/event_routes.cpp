#include "gateway/event_routes.hpp"

#include <shop/events/events.hpp>
#include <shop/http/error.hpp>
#include <shop/log/log.hpp>
#include <shop/text/list.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <set>

namespace shop::gateway {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kEventStream = "text/event-stream; charset=utf-8";

std::chrono::seconds parse_wait(http::Request const& request, std::chrono::seconds max)
{
    auto const text = request.query("wait");
    if (!text)
        return std::chrono::seconds{0};
    long value = -1;
    auto const [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value < 0 || value > max.count())
        throw http::Error{http::Status::bad_request,
                          std::vector<std::string>{"wait must be an integer from 0 to " +
                                                   std::to_string(max.count())}};
    return std::chrono::seconds{value};
}

std::set<std::string, std::less<>> parse_types(http::Request const& request)
{
    std::set<std::string, std::less<>> types;
    if (auto const list = request.query("type"))
        for (auto const type : text::split_list(*list))
            types.emplace(type);
    return types;
}

std::string chain_json(std::string const& correlation_id, Chain const& chain)
{
    std::string out = nlohmann::json(correlation_id).dump();
    out = R"({"correlationId":)" + out + R"(,"complete":)" + (chain.complete ? "true" : "false") +
          R"(,"events":[)";
    for (std::size_t i = 0; i < chain.events.size(); ++i) {
        if (i > 0)
            out += ',';
        out += to_json(chain.events[i]);
    }
    return out + "]}";
}

awaitable<http::Response> chain_of(EventLog& log, EventViewConfig const& config,
                                   std::function<bool()> const& draining, Exchange& ex)
{
    auto const correlation_id = ex.request.param("correlationId");
    auto const deadline = Clock::now() + parse_wait(ex.request, config.max_wait);
    auto const signal = log.watch(co_await net::this_coro::executor); // before the first look
    // Every event wakes every waiter: look without copying until the chain is complete.
    // Each second at least, to notice a shutdown.
    while (!log.complete(correlation_id) && Clock::now() < deadline && !draining())
        co_await signal->wait_until(std::min(deadline, Clock::now() + std::chrono::seconds{1}));
    auto const chain = log.chain(correlation_id);
    if (!chain)
        throw http::Error{http::Status::not_found,
                          "No events with correlation id " + correlation_id};
    co_return http::Response::json(http::Status::ok, chain_json(correlation_id, *chain));
}

// "id: 7\nevent: order.created\ndata: {...}\n\n"
std::string sse_frame(SeenEvent const& event)
{
    return "id: " + std::to_string(event.sequence) + "\nevent: " + event.event_type +
           "\ndata: " + to_json(event) + "\n\n";
}

// Where a stream starts: after the client's Last-Event-ID when it sent one this log can have
// written (a reconnecting EventSource), else after the newest event.
std::uint64_t start_after(EventLog const& log, std::string_view last_event_id)
{
    auto const newest = log.last_sequence();
    std::uint64_t id = 0;
    auto const [end, ec] =
        std::from_chars(last_event_id.data(), last_event_id.data() + last_event_id.size(), id);
    bool const usable = !last_event_id.empty() && ec == std::errc{} &&
                        end == last_event_id.data() + last_event_id.size() && id <= newest;
    return usable ? id : newest;
}

awaitable<void> stream_events(EventLog& log, EventViewConfig const& config,
                              std::set<std::string, std::less<>> const& types, std::uint64_t last,
                              http::Stream& out)
{
    auto const signal = log.watch(co_await net::this_coro::executor);
    if (!co_await out.write(": following events\n\n"))
        co_return;
    auto next_heartbeat = Clock::now() + config.heartbeat;
    for (bool first = true; !out.closing(); first = false) {
        // Wakes for events, for the heartbeat, and each second to notice a shutdown; a
        // resumed stream first sends what it missed.
        if (!first)
            co_await signal->wait_until(
                std::min(next_heartbeat, Clock::now() + std::chrono::seconds{1}));
        auto const fresh = log.since(last);
        if (!fresh.empty() && fresh.front().sequence > last + 1 &&
            !co_await out.write(": " + std::to_string(fresh.front().sequence - last - 1) +
                                " events missed (a slow reader)\n\n"))
            co_return;
        for (auto const& event : fresh) {
            last = event.sequence;
            if (!types.empty() && !types.contains(event.event_type))
                continue;
            if (!co_await out.write(sse_frame(event)))
                co_return;
        }
        if (Clock::now() >= next_heartbeat) {
            if (!co_await out.write(": keep-alive\n\n"))
                co_return;
            next_heartbeat = Clock::now() + config.heartbeat;
        }
    }
}

awaitable<http::Response> stream(EventLog& log, EventViewConfig const& config, Exchange& ex)
{
    http::Response response{http::Status::ok, {}, kEventStream, {}};
    response.header("Cache-Control", "no-store").header("X-Accel-Buffering", "no");
    auto const last = start_after(log, ex.request.header("Last-Event-ID"));
    response.stream = [&log, &config, types = parse_types(ex.request), last](http::Stream& out) {
        return stream_events(log, config, types, last, out);
    };
    co_return response;
}

} // namespace

EventViewConfig EventViewConfig::from_env(config::Env const& env)
{
    EventViewConfig c;
    c.limits.chains =
        static_cast<std::size_t>(env.integer("EVENTS_MAX_CHAINS", 2'000, 1, 1'000'000));
    c.max_wait = std::chrono::seconds{env.integer("EVENTS_MAX_WAIT_SECONDS", 30, 0, 300)};
    c.heartbeat = std::chrono::seconds{env.integer("EVENTS_HEARTBEAT_SECONDS", 15, 1, 3600)};
    c.fetch_wait = env.millis("EVENTS_FETCH_WAIT_MS", std::chrono::milliseconds{100});
    return c;
}

void follow_events(kafka::Consumer& consumer, EventLog& log)
{
    for (auto const topic : events::kTopics)
        consumer.on(std::string{topic}, [&log](kafka::Record const& record) {
            try {
                log.add(events::Envelope::parse(record.value));
            } catch (events::InvalidEvent const& e) {
                log::debug("event view: skipped {}[{}]@{}: {}", record.topic, record.partition,
                           record.offset, e.what());
            }
        });
}

void add_event_routes(http::Router& routes, Pipeline const& pipeline, EventLog& log,
                      EventViewConfig const& config, std::function<bool()> draining)
{
    routes.get("/api/events/stream",
               pipeline.wrap([&log, &config](Exchange& ex) { return stream(log, config, ex); }));
    routes.get("/api/events/:correlationId",
               pipeline.wrap([&log, &config, draining = std::move(draining)](Exchange& ex) {
                   return chain_of(log, config, draining, ex);
               }));
}

std::string to_json(SeenEvent const& event)
{
    nlohmann::ordered_json const head{
        {"sequence", event.sequence},      {"correlationId", event.correlation_id},
        {"eventId", event.event_id},       {"eventType", event.event_type},
        {"source", event.source},          {"occurredAt", event.occurred_at},
        {"receivedAt", event.received_at},
    };
    auto text = head.dump();
    text.pop_back(); // the closing brace: data is spliced in as the JSON it already is
    return text + R"(,"data":)" + event.data + "}";
}

} // namespace shop::gateway
