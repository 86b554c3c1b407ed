#pragma once
// The outbox relay and the database pool at /metrics, read at scrape time.
#include <shop/db/pool.hpp>
#include <shop/metrics/registry.hpp>
#include <shop/outbox/relay.hpp>

namespace shop::outbox {

// Both must outlive the registry's scrapes (in a service: the App's run()).
void expose_metrics(metrics::Registry& registry, Relay const& relay, db::Pool const& pool);

} // namespace shop::outbox
