#include <shop/outbox/metrics.hpp>

namespace shop::outbox {

void expose_metrics(metrics::Registry& registry, Relay const& relay, db::Pool const& pool)
{
    registry.counter_callback("outbox_events_published_total",
                              "Outbox events delivered to Kafka and marked published.",
                              [&relay] { return double(relay.published()); });
    registry.counter_callback("outbox_publish_failures_total",
                              "Outbox deliveries that failed or timed out (then retried).",
                              [&relay] { return double(relay.failed_attempts()); });
    registry.gauge_callback("outbox_pending_events",
                            "Events the relay's last pass left unpublished (up to one batch).",
                            [&relay] { return double(relay.pending()); });
    registry.gauge_callback("db_pool_connections_open", "Database connections open.",
                            [&pool] { return double(pool.stats().open); });
    registry.gauge_callback("db_pool_connections_in_use", "Database connections checked out.",
                            [&pool] { return double(pool.stats().in_use); });
    registry.gauge_callback("db_pool_waiting", "Callers waiting for a database connection.",
                            [&pool] { return double(pool.stats().waiting); });
    registry.gauge_callback("db_pool_size", "The most database connections the pool opens.",
                            [&pool] { return double(pool.stats().size); });
}

} // namespace shop::outbox
