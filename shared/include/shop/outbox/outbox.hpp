#pragma once
// The transactional outbox and inbox (DESIGN §5): an event is appended in the same
// transaction as the state change it describes, so both commit or neither does; a
// consumer records an event's id in its effect's transaction, so the effect happens once.
#include <shop/events/envelope.hpp>
#include <shop/kafka/producer.hpp>

#include <pqxx/transaction>

#include <string_view>

namespace shop::outbox {

// The channel relays LISTEN on; append() notifies it, delivered when the caller commits.
inline constexpr std::string_view kChannel = "outbox";

// Appends `envelope` for publication under `key` (the aggregate's id), with the request id
// and, when known, the W3C traceparent as Kafka headers.
void append(pqxx::work& tx, events::Envelope const& envelope, std::string_view key,
            std::string_view traceparent = {});

} // namespace shop::outbox

namespace shop::inbox {

// Records that `event_id` is being processed in this transaction. False when it already
// was: the caller then does nothing (the event came twice).
bool remember(pqxx::work& tx, std::string_view event_id, std::string_view topic);

} // namespace shop::inbox
