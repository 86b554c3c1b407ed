#pragma once
// What the gateway has seen on the event topics, bounded in memory: the chains of events by
// correlation id (the X-Request-Id of the request that started them) and a ring of the
// latest events for live subscribers. Written by the Kafka consumer's thread, read by
// request handlers; waiters are woken when an event arrives.
#include "gateway/signal.hpp"

#include <shop/events/envelope.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace shop::gateway {

struct EventLogLimits {
    std::size_t chains = 2'000;         // EVENTS_MAX_CHAINS: the oldest chain goes first
    std::size_t events_per_chain = 32;  // later events of a longer chain are not kept
    std::size_t live_events = 1'024;    // ring for live subscribers
    std::size_t data_bytes = 16 * 1024; // an event's data beyond this is kept as null
};

struct SeenEvent {
    std::uint64_t sequence = 0; // order of arrival at the gateway, from 1
    std::string correlation_id;
    std::string event_id;
    std::string event_type;
    std::string source;
    std::string occurred_at; // RFC 3339, as the source wrote it
    std::string received_at; // RFC 3339, when the gateway read it
    std::string data;        // the event's data as JSON text ("null" when too large)
    // The steps' keys from the data ("" when absent), to tell when a chain is complete.
    std::string order_id;
    std::string user_id;
    std::string order_kind; // order.created's kind: "welcome" or "standard"
};

struct Chain {
    std::vector<SeenEvent> events; // by occurredAt, then by arrival
    bool complete = false;         // see is_complete()
};

class EventLog {
public:
    explicit EventLog(EventLogLimits limits = {});

    // From the consumer: records the event and wakes every watcher. An event already seen
    // (the same eventId in its chain, or among the newest live events when it has no
    // correlation id) is a redelivery and is dropped.
    void add(events::Envelope const& envelope);

    std::optional<Chain> chain(std::string const& correlation_id) const;
    // Whether that chain is known and complete, without copying it (for long polls).
    bool complete(std::string const& correlation_id) const;
    // Live events after `sequence` still in the ring, oldest first.
    std::vector<SeenEvent> since(std::uint64_t sequence) const;
    std::uint64_t last_sequence() const;
    std::size_t chain_count() const;

    // A signal notified on every new event, until the returned handle is dropped.
    std::shared_ptr<Signal> watch(net::any_io_executor executor);

private:
    // How far back the live ring is searched for an event without a chain.
    static constexpr std::size_t kRecentLiveEvents = 64;
    bool is_known(SeenEvent const& seen) const; // under mutex_

    EventLogLimits limits_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Chain> chains_;
    std::deque<std::string> chain_order_; // correlation ids, oldest first
    std::deque<SeenEvent> live_;
    std::uint64_t sequence_ = 0;
    std::vector<std::weak_ptr<Signal>> watchers_;
};

// A chain is complete once it holds a payment's outcome (payment.completed or .failed) and
// every step that led to it: the order.created of that payment's order and, for a welcome
// order, the user.created of its user. Topics are read independently, so a payment may be
// seen before the order it pays for.
bool is_complete(std::vector<SeenEvent> const& events);

} // namespace shop::gateway
