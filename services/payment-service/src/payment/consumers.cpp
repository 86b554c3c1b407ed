#include "payment/consumers.hpp"

#include "payment/store.hpp"

#include <shop/http/request_id.hpp>
#include <shop/log/log.hpp>
#include <shop/outbox/outbox.hpp>
#include <shop/validation/validator.hpp>

namespace shop::payment {
namespace {

// Ids end up in uuid columns: anything else is poison, not a database error to retry.
void require_uuid(std::string const& value, std::string_view field)
{
    if (!validation::is_uuid(value))
        throw events::InvalidEvent{std::string{field} + " is not a UUID"};
}

// The event announcing a payment's outcome.
events::Envelope outcome_envelope(Payment const& p, std::string_view correlation_id)
{
    events::PaymentOutcome const outcome{p.id,     p.order_id, p.user_id,
                                         p.amount, p.reason,   p.processed_at};
    if (p.status == events::PaymentCompleted::kStatus)
        return events::envelope_for(events::PaymentCompleted{outcome}, kService, correlation_id);
    return events::envelope_for(events::PaymentFailed{outcome}, kService, correlation_id);
}

void on_order_created(kafka::Record const& record, Deps& d)
{
    auto const envelope = events::Envelope::parse(record.value);
    require_uuid(envelope.event_id, "eventId");
    auto const order = events::open<events::OrderCreated>(envelope);
    require_uuid(order.order_id, "orderId");
    require_uuid(order.user_id, "userId");

    auto const decision = decide(order.total_amount, order.order_id, d.policy);
    Payment const payment{
        http::new_uuid(),
        order.order_id,
        order.user_id,
        order.total_amount,
        order.currency,
        std::string{decision.completed ? events::PaymentCompleted::kStatus
                                       : events::PaymentFailed::kStatus},
        decision.reason,
        std::chrono::time_point_cast<std::chrono::milliseconds>(events::Clock::now())};
    bool const created = d.db.run_sync([&](pqxx::work& tx) {
        if (!inbox::remember(tx, envelope.event_id, record.topic))
            return false; // seen before: nothing to do
        // False when the order is paid for already (another event for the same order).
        bool const inserted = store::insert_payment(tx, payment);
        if (inserted)
            outbox::append(tx, outcome_envelope(payment, envelope.correlation_id),
                           payment.order_id);
        tx.commit();
        return inserted;
    });
    if (!created)
        return;
    d.relay.wake();
    d.payments.with({payment.status}).inc();
    log::Line{log::Level::info, {envelope.correlation_id}}
        .field("orderId", payment.order_id)
        .field("paymentId", payment.id)
        .field("status", payment.status)
        .emit("payment processed");
}

} // namespace

void add_handlers(kafka::Consumer& consumer, Deps& deps)
{
    consumer.on(std::string{events::OrderCreated::kType},
                [&deps](kafka::Record const& r) { on_order_created(r, deps); });
}

} // namespace shop::payment
