// user-service: the service's executable; it serves /health/live, /health/ready and /metrics.
#include <shop/app/app.hpp>

int main()
{
    return shop::run_main("user-service", [] {
        auto const env = shop::config::Env::from_process();
        shop::App app{shop::AppConfig::from_env(env, "user-service", 3001)};
        shop::http::Router routes;
        app.serve(std::move(routes));
        return app.run();
    });
}
