#include "service.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace shop::test {
namespace {

EnvVars with_defaults(EnvVars env)
{
    // Earlier entries lose to later ones, so the test's own settings come last.
    EnvVars all{{"PORT", "0"},
                {"HOST", "127.0.0.1"},
                {"ENV_FILE", "/dev/null"},
                {"LOG_LEVEL", "info"},
                {"APP_ENV", "test"},
                {"API_KEY_REQUIRED", "false"}}; // direct callers send no key unless a test asks
    all.insert(all.end(), env.begin(), env.end());
    return all;
}

} // namespace

RunningService::RunningService(std::string const& executable, EnvVars env)
    : process_{executable, with_defaults(std::move(env))}
{
    auto const line = process_.wait_for_line("listening\"", std::chrono::seconds{10});
    if (!line)
        throw std::runtime_error{executable + " did not start:\n" + process_.output()};
    port_ = nlohmann::json::parse(*line).at("port").get<std::uint16_t>();
}

} // namespace shop::test
