#include <shop/app/app_config.hpp>

#include <catch2/catch.hpp>

using shop::AppConfig;
using shop::config::Env;
using shop::config::Error;
using shop::config::Vars;

namespace {

AppConfig config_of(Vars vars)
{
    return AppConfig::from_env(Env{std::move(vars)}, "test-service", 3999);
}

std::string error_of(Vars vars)
{
    try {
        config_of(std::move(vars));
    } catch (Error const& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("API calls need seed 002's development key unless API_KEY says otherwise",
          "[config][api-key]")
{
    CHECK(config_of({}).http.api_key == shop::kDefaultApiKey);
    CHECK(config_of({{"API_KEY", "k-123"}}).http.api_key == "k-123");
}

TEST_CASE("API_KEY_REQUIRED=false lets direct callers in, outside production only",
          "[config][api-key]")
{
    CHECK(config_of({{"API_KEY_REQUIRED", "false"}}).http.api_key.empty());
    CHECK(error_of({{"APP_ENV", "production"},
                    {"API_KEY", "a-real-secret"},
                    {"API_KEY_REQUIRED", "false"}}) ==
          "API_KEY_REQUIRED=false: not allowed in production");
}

TEST_CASE("production refuses to start with the development API key", "[config][api-key]")
{
    CHECK(error_of({{"APP_ENV", "production"}}) ==
          "API_KEY: expected a secret of your own in production");
    CHECK(error_of({{"NODE_ENV", "production"}, {"API_KEY", "your-api-key-here"}}) ==
          "API_KEY: expected a secret of your own in production");
    CHECK(config_of({{"APP_ENV", "production"}, {"API_KEY", "a-real-secret"}}).http.api_key ==
          "a-real-secret");
}

TEST_CASE("HTTP_THREAD_BUSY_PERCENT sets when an I/O thread shares its connections",
          "[config][threads]")
{
    auto const defaults = config_of({}).http.balance;
    CHECK(defaults.busy == Approx(0.5));
    CHECK(defaults.merge == Approx(0.3));
    auto const eager = config_of({{"HTTP_THREAD_BUSY_PERCENT", "20"}}).http.balance;
    CHECK(eager.busy == Approx(0.2));
    CHECK(eager.merge == Approx(0.12));
    CHECK_THAT(error_of({{"HTTP_THREAD_BUSY_PERCENT", "0"}}),
               Catch::Contains("HTTP_THREAD_BUSY_PERCENT"));
    CHECK_THAT(error_of({{"HTTP_THREAD_BUSY_PERCENT", "half"}}),
               Catch::Contains("HTTP_THREAD_BUSY_PERCENT"));
}
