#include "order/consumers.hpp"

#include <shop/log/log.hpp>
#include <shop/outbox/outbox.hpp>
#include <shop/validation/validator.hpp>

namespace shop::order {
namespace {

// Ids end up in uuid columns: anything else is poison, not a database error to retry.
void require_uuid(std::string const& value, std::string_view field)
{
    if (!validation::is_uuid(value))
        throw events::InvalidEvent{std::string{field} + " is not a UUID"};
}

// user.created: remember the user and give it exactly one welcome order.
void on_user_created(kafka::Record const& record, Deps& d)
{
    auto const envelope = open_envelope(record);
    auto event = events::open<events::UserCreated>(envelope);
    require_uuid(event.user_id, "userId");
    event.user_id = canonical_id(std::move(event.user_id));
    auto const order = make_welcome_order(event.user_id, events::Clock::now());
    bool const created = d.db.run_sync([&](pqxx::work& tx) {
        if (!inbox::remember(tx, envelope.event_id, record.topic))
            return false; // seen before: nothing to do
        bool const active = store::upsert_user(tx, {event.user_id, event.email, event.name});
        bool const inserted = active && store::insert_order(tx, order);
        if (inserted)
            outbox::append(
                tx, events::envelope_for(created_event(order), kService, envelope.correlation_id),
                order.id);
        tx.commit();
        return inserted;
    });
    if (!created)
        return;
    d.relay.wake();
    d.orders_created.with({"welcome"}).inc();
    log::Line{log::Level::info, {envelope.correlation_id}}
        .field("orderId", order.id)
        .field("userId", order.user_id)
        .emit("welcome order created");
}

// user.deleted: the user is gone; its pending orders are cancelled, each announced.
void on_user_deleted(kafka::Record const& record, Deps& d)
{
    auto const envelope = open_envelope(record);
    auto event = events::open<events::UserDeleted>(envelope);
    require_uuid(event.user_id, "userId");
    event.user_id = canonical_id(std::move(event.user_id));
    auto const cancelled = d.db.run_sync([&](pqxx::work& tx) {
        if (!inbox::remember(tx, envelope.event_id, record.topic))
            return std::size_t{0};
        store::mark_user_deleted(tx, event.user_id);
        auto const ids = store::cancel_pending_orders(tx, event.user_id);
        for (auto const& id : ids)
            outbox::append(
                tx,
                events::envelope_for(
                    events::OrderCancelled{id, event.user_id, "user deleted", events::Clock::now()},
                    kService, envelope.correlation_id),
                id);
        tx.commit();
        return ids.size();
    });
    if (cancelled > 0)
        d.relay.wake();
}

// payment.completed / payment.failed: a pending order becomes paid / payment_failed.
template <class Event>
void on_payment(kafka::Record const& record, Deps& d, std::string_view new_status)
{
    auto const envelope = open_envelope(record);
    auto const event = events::open<Event>(envelope);
    require_uuid(event.order_id, "orderId");
    require_uuid(event.payment_id, "paymentId");
    PaymentInfo const payment{event.payment_id, std::string{Event::kStatus}, event.amount,
                              event.reason, event.processed_at};
    bool const known = d.db.run_sync([&](pqxx::work& tx) {
        if (!inbox::remember(tx, envelope.event_id, record.topic))
            return true;
        bool const found = store::record_payment(tx, event.order_id, payment, new_status);
        tx.commit();
        return found;
    });
    if (!known)
        log::Line{log::Level::warn, {envelope.correlation_id}}
            .field("orderId", event.order_id)
            .emit("payment for an unknown order ignored");
}

} // namespace

events::Envelope open_envelope(kafka::Record const& record)
{
    auto envelope = events::Envelope::parse(record.value);
    require_uuid(envelope.event_id, "eventId");
    return envelope;
}

void add_handlers(kafka::Consumer& consumer, Deps& deps)
{
    consumer.on(std::string{events::UserCreated::kType},
                [&deps](kafka::Record const& r) { on_user_created(r, deps); });
    consumer.on(std::string{events::UserDeleted::kType},
                [&deps](kafka::Record const& r) { on_user_deleted(r, deps); });
    consumer.on(std::string{events::PaymentCompleted::kType}, [&deps](kafka::Record const& r) {
        on_payment<events::PaymentCompleted>(r, deps, "paid");
    });
    consumer.on(std::string{events::PaymentFailed::kType}, [&deps](kafka::Record const& r) {
        on_payment<events::PaymentFailed>(r, deps, "payment_failed");
    });
}

} // namespace shop::order
