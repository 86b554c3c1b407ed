#pragma once
// order.created → exactly one simulated payment per order, announced as payment.completed
// or payment.failed in the same transaction (outbox), the event id remembered (inbox).
#include "payment/deps.hpp"

#include <shop/kafka/consumer.hpp>

namespace shop::payment {

void add_handlers(kafka::Consumer& consumer, Deps& deps);

} // namespace shop::payment
