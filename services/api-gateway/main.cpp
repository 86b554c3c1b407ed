// api-gateway: the one entry point on port 3005. Requests under /api/users, /api/orders
// and /api/payments go through the pipeline (security headers, CORS, rate limit) to their
// service with their request id, over pooled keep-alive connections, behind a circuit
// breaker; /api/events shows the event chains it follows on every topic.
#include "gateway/config.hpp"
#include "gateway/event_routes.hpp"
#include "gateway/gateway.hpp"
#include "gateway/stages.hpp"

#include <shop/app/app.hpp>
#include <shop/kafka/producer.hpp>

int main()
{
    return shop::run_main("api-gateway", [] {
        using namespace shop;
        auto const env = config::Env::from_process();
        auto app_config = AppConfig::from_env(env, "api-gateway", 3005);
        auto const config = gateway::Config::from_env(env);
        app_config.http.default_headers = gateway::security_headers();
        app_config.http.api_key.clear(); // clients never send it: the gateway adds it upstream
        App app{std::move(app_config)};
        gateway::Gateway gateway{config}; // upstreams, breakers, limits, the pipeline
        http::Router routes;
        gateway.add_routes(routes);

        auto const view_config = gateway::EventViewConfig::from_env(env);
        auto kafka_config = kafka::Config::from_env(env, "api-gateway");
        kafka_config.fetch_wait = view_config.fetch_wait;
        kafka::Producer producer{kafka_config}; // the consumer's dead letters: none expected
        gateway::EventLog event_log{view_config.limits};
        kafka::Consumer consumer{kafka_config, producer};
        gateway::follow_events(consumer, event_log);
        gateway::add_event_routes(routes, gateway.pipeline(), event_log, view_config,
                                  [&health = app.health()] { return health.shutting_down(); });

        app.serve(std::move(routes));
        consumer.start();
        return app.run();
    });
}
