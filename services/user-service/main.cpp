// user-service: registration and the users' CRUD on /api/users, each change published as
// user.created, user.updated or user.deleted through the transactional outbox.
#include "user/readiness.hpp"
#include "user/routes.hpp"
#include "user/service.hpp"

#include <shop/app/app.hpp>
#include <shop/db/migrate.hpp>
#include <shop/kafka/producer.hpp>
#include <shop/outbox/relay.hpp>

int main()
{
    return shop::run_main("user-service", [] {
        auto const env = shop::config::Env::from_process();
        shop::App app{shop::AppConfig::from_env(env, "user-service", 3001)};
        shop::db::Pool pool{shop::db::Config::from_env(env, "userdb"), app.blocking()};
        shop::db::migrate_service(pool, env, "user-service");
        shop::kafka::Producer producer{shop::kafka::Config::from_env(env, "user-service")};
        shop::outbox::Relay relay{pool, producer};
        shop::user::add_readiness_checks(app.health(), app.blocking(), pool, producer);

        shop::user::Service users{pool, app.blocking(), relay, app.metrics()};
        shop::http::Router routes;
        shop::user::add_routes(routes, users);

        app.serve(std::move(routes));
        relay.start();
        return app.run(); // until SIGTERM; the relay stops before the producer flushes
    });
}
