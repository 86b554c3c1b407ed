#pragma once
// The order-service's event handlers: user.created (projection + welcome order),
// user.deleted (cancel pending orders), payment.completed / payment.failed (order status).
// Each records the event id in its effect's transaction (inbox), so redelivery is harmless.
#include "order/deps.hpp"

#include <shop/kafka/consumer.hpp>

namespace shop::order {

void add_handlers(kafka::Consumer& consumer, Deps& deps);

// The envelope of a record, refusing anything a retry cannot fix (events::InvalidEvent).
events::Envelope open_envelope(kafka::Record const& record);

} // namespace shop::order
