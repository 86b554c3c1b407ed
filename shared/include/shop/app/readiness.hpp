#pragma once
// What /health/ready checks in a service with a database and Kafka.
#include <shop/app/blocking_pool.hpp>
#include <shop/db/pool.hpp>
#include <shop/health/health.hpp>
#include <shop/kafka/producer.hpp>

namespace shop {

// "database": a round trip through the pool; "kafka": a metadata round trip, run on the
// blocking pool since librdkafka's call blocks. All must outlive `health`.
void add_readiness_checks(Health& health, BlockingPool& blocking, db::Pool& pool,
                          kafka::Producer& producer);

} // namespace shop
