// order-service: orders over HTTP, a welcome order per new user, order status from payments.
#include "order/consumers.hpp"
#include "order/routes.hpp"
#include "order/store.hpp"

#include <shop/app/app.hpp>
#include <shop/app/readiness.hpp>
#include <shop/db/errors.hpp>
#include <shop/db/migrate.hpp>
#include <shop/kafka/metrics.hpp>
#include <shop/outbox/metrics.hpp>

int main()
{
    return shop::run_main("order-service", [] {
        using namespace shop;
        auto const env = config::Env::from_process();
        App app{AppConfig::from_env(env, "order-service", 3002)};
        db::Pool pool{db::Config::from_env(env, "orderdb"), app.blocking(), order::store::prepare};
        db::migrate_service(pool, env, "order-service");
        auto const kafka_config = kafka::Config::from_env(env, "order-service");
        kafka::Producer producer{kafka_config};
        outbox::Relay relay{pool, producer};
        order::UserDirectory const users{order::UserDirectoryConfig::from_env(env)};
        order::Deps deps{pool, relay, app.blocking(), users, app.metrics()};

        kafka::Consumer consumer{kafka_config, producer};
        consumer.set_transient(db::is_retryable);
        order::add_handlers(consumer, deps);

        http::Router routes;
        order::add_routes(routes, deps);

        add_readiness_checks(app.health(), app.blocking(), pool, producer);
        kafka::expose_metrics(app.metrics(), producer);
        kafka::expose_metrics(app.metrics(), consumer);
        outbox::expose_metrics(app.metrics(), relay, pool);
        app.serve(std::move(routes));

        relay.start();
        consumer.start();
        return app.run();
    });
}
