#pragma once
// Kafka clients' figures at /metrics, read at scrape time: messages produced and consumed,
// dead letters, the consumer's assigned partitions and lag.
#include <shop/kafka/consumer.hpp>
#include <shop/kafka/producer.hpp>
#include <shop/metrics/registry.hpp>

namespace shop::kafka {

// Both must outlive the registry's scrapes (in a service: the App's run()).
void expose_metrics(metrics::Registry& registry, Producer const& producer);
void expose_metrics(metrics::Registry& registry, Consumer const& consumer);

} // namespace shop::kafka
