// payment-service: one simulated payment per order, announced as payment.completed|failed.
#include "payment/consumers.hpp"
#include "payment/routes.hpp"
#include "payment/store.hpp"

#include <shop/app/app.hpp>
#include <shop/app/readiness.hpp>
#include <shop/db/errors.hpp>
#include <shop/db/migrate.hpp>
#include <shop/kafka/metrics.hpp>
#include <shop/outbox/metrics.hpp>

int main()
{
    return shop::run_main("payment-service", [] {
        using namespace shop;
        auto const env = config::Env::from_process();
        App app{AppConfig::from_env(env, "payment-service", 3003)};
        db::Pool pool{db::Config::from_env(env, "paymentdb"), app.blocking(),
                      payment::store::prepare};
        db::migrate_service(pool, env, "payment-service");
        auto const kafka_config = kafka::Config::from_env(env, "payment-service");
        kafka::Producer producer{kafka_config};
        outbox::Relay relay{pool, producer};
        payment::Deps deps{pool, relay, payment::Policy::from_env(env), app.metrics()};

        kafka::Consumer consumer{kafka_config, producer};
        consumer.set_transient(db::is_retryable);
        payment::add_handlers(consumer, deps);

        http::Router routes;
        payment::add_routes(routes, deps);

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
