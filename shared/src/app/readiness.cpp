#include <shop/app/readiness.hpp>

#include <chrono>

namespace shop {
namespace {

constexpr std::chrono::milliseconds kKafkaCheckTimeout{1'500};

} // namespace

void add_readiness_checks(Health& health, BlockingPool& blocking, db::Pool& pool,
                          kafka::Producer& producer)
{
    health.add("database", [&pool] { return pool.ping(); });
    health.add("kafka", [&blocking, &producer]() -> awaitable<CheckResult> {
        bool const up =
            co_await blocking.run([&producer] { return producer.reachable(kKafkaCheckTimeout); });
        co_return up ? CheckResult{} : CheckResult{false, "unreachable"};
    });
}

} // namespace shop
