#pragma once
// The event chain view: GET /api/events/:correlationId (?wait=<seconds> holds the request
// until the chain is complete) and GET /api/events/stream, a live Server-Sent Events feed
// (?type=<event type>[,<event type>...] to filter; a Last-Event-ID resumes after that event
// while it is still in the live ring). Fed by a consumer of every event topic.
#include "gateway/event_log.hpp"
#include "gateway/pipeline.hpp"

#include <shop/config/env.hpp>
#include <shop/http/router.hpp>
#include <shop/kafka/consumer.hpp>

#include <chrono>
#include <functional>

namespace shop::gateway {

struct EventViewConfig {
    EventLogLimits limits;
    std::chrono::seconds max_wait{30};  // the longest ?wait= accepted
    std::chrono::seconds heartbeat{15}; // a comment line on an idle stream
    // The view's consumer's longest fetch wait. Real Kafka answers as soon as data arrives,
    // so a long wait only saves empty fetches (idle CPU); on the dev broker the view lags
    // by up to this much, which a person or a ?wait= never notices. The services keep the
    // short KAFKA_FETCH_WAIT_MS: their latency is the chain's.
    std::chrono::milliseconds fetch_wait{100};

    // EVENTS_MAX_CHAINS, EVENTS_MAX_WAIT_SECONDS, EVENTS_HEARTBEAT_SECONDS,
    // EVENTS_FETCH_WAIT_MS.
    static EventViewConfig from_env(config::Env const& env);
};

// Records every event topic's envelopes in `log`; malformed ones are skipped (the services
// that consume a topic dead-letter its poison, not the gateway).
void follow_events(kafka::Consumer& consumer, EventLog& log);

// `log` and `pipeline` must outlive the routes.
// `draining` says when the service has begun to shut down: a long poll then answers with
// what it has instead of holding the request until its wait ends.
void add_event_routes(http::Router& routes, Pipeline const& pipeline, EventLog& log,
                      EventViewConfig const& config, std::function<bool()> draining);

// One event as the view shows it: {sequence, correlationId, eventId, eventType, source,
// occurredAt, receivedAt, data}.
std::string to_json(SeenEvent const& event);

} // namespace shop::gateway
