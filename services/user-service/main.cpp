// user-service: registration and the users' CRUD on /api/users, each change published as
// user.created, user.updated or user.deleted through the transactional outbox.
#include "user/routes.hpp"
#include "user/service.hpp"
#include "user/store.hpp"

#include <shop/app/app.hpp>
#include <shop/app/readiness.hpp>
#include <shop/db/migrate.hpp>
#include <shop/kafka/metrics.hpp>
#include <shop/outbox/metrics.hpp>

int main()
{
    return shop::run_main("user-service", [] {
        using namespace shop;
        auto const env = config::Env::from_process();
        App app{AppConfig::from_env(env, "user-service", 3001)};
        db::Pool pool{db::Config::from_env(env, "userdb"), app.blocking(), user::store::prepare};
        db::migrate_service(pool, env, "user-service");
        kafka::Producer producer{kafka::Config::from_env(env, "user-service")};
        outbox::Relay relay{pool, producer};

        user::Service users{pool, app.blocking(), relay, app.metrics()};
        http::Router routes;
        user::add_routes(routes, users);

        add_readiness_checks(app.health(), app.blocking(), pool, producer);
        kafka::expose_metrics(app.metrics(), producer);
        outbox::expose_metrics(app.metrics(), relay, pool);
        app.serve(std::move(routes));
        relay.start();
        return app.run(); // until SIGTERM; the relay stops before the producer flushes
    });
}
