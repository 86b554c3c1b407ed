// api-gateway: the one entry point on port 3005. Requests under /api/users, /api/orders
// and /api/payments go through the pipeline (request id, security headers, CORS, rate
// limit) to their service over pooled keep-alive connections, behind a circuit breaker.
#include "gateway/config.hpp"
#include "gateway/gateway.hpp"

#include <shop/app/app.hpp>

int main()
{
    return shop::run_main("api-gateway", [] {
        auto const env = shop::config::Env::from_process();
        auto app_config = shop::AppConfig::from_env(env, "api-gateway", 3005);
        auto const config = shop::gateway::Config::from_env(env, app_config.app_env);
        shop::App app{std::move(app_config)};
        shop::gateway::Gateway gateway{config}; // upstreams, breakers, limits, the pipeline
        shop::http::Router routes;
        gateway.add_routes(routes);
        app.serve(std::move(routes));
        return app.run();
    });
}
