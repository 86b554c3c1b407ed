#include <shop/kafka/metrics.hpp>

namespace shop::kafka {

void expose_metrics(metrics::Registry& registry, Producer const& producer)
{
    registry.counter_callback("kafka_messages_produced_total", "Messages the broker acknowledged.",
                              [&producer] { return double(producer.stats().delivered); });
    registry.counter_callback("kafka_produce_failures_total",
                              "Deliveries that failed or timed out (then retried).",
                              [&producer] { return double(producer.stats().not_delivered); });
    registry.gauge_callback("kafka_producer_queue_messages",
                            "Messages waiting in the producer's local queue.",
                            [&producer] { return double(producer.stats().queued); });
}

void expose_metrics(metrics::Registry& registry, Consumer const& consumer)
{
    registry.counter_callback("kafka_messages_consumed_total",
                              "Messages handled or dead-lettered by the consumer.",
                              [&consumer] { return double(consumer.stats().consumed); });
    registry.counter_callback("kafka_messages_dead_lettered_total",
                              "Messages sent to a dead-letter topic.",
                              [&consumer] { return double(consumer.stats().dead_lettered); });
    registry.gauge_callback("kafka_consumer_assigned_partitions",
                            "Partitions assigned to this consumer group member.",
                            [&consumer] { return double(consumer.stats().assigned_partitions); });
    registry.gauge_callback(
        "kafka_consumer_lag_messages",
        "Messages in the assigned partitions not yet handled, from the last fetch.",
        [&consumer] { return double(consumer.stats().lag); });
}

} // namespace shop::kafka
