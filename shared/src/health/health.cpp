#include <shop/health/health.hpp>

#include <nlohmann/json.hpp>

namespace shop {

void Health::add(std::string name, Check check)
{
    checks_.emplace_back(std::move(name), std::move(check));
}

http::Response Health::live() const
{
    return http::Response::json(
        http::Status::ok, std::string{R"({"status":"ok","info":{},"error":{},"details":{}})"});
}

awaitable<http::Response> Health::ready() const
{
    // Terminus's shape, keys in its order: status, info, error, details.
    using Json = nlohmann::ordered_json;
    auto info = Json::object();
    auto error = Json::object();
    auto details = Json::object();
    if (shutting_down_.load(std::memory_order_acquire))
        error["app"] = {{"status", "down"}, {"message", "shutting down"}};
    for (auto const& [name, check] : checks_) {
        CheckResult result;
        try {
            result = co_await check();
        } catch (std::exception const& e) {
            result = {false, e.what()};
        }
        Json entry{{"status", result.up ? "up" : "down"}};
        if (!result.up && !result.message.empty())
            entry["message"] = result.message;
        (result.up ? info : error)[name] = entry;
    }
    for (auto const* part : {&info, &error})
        for (auto const& [name, entry] : part->items())
            details[name] = entry;
    bool const ok = error.empty();
    Json const body{
        {"status", ok ? "ok" : "error"}, {"info", info}, {"error", error}, {"details", details}};
    co_return http::Response::json(ok ? http::Status::ok : http::Status::service_unavailable,
                                   body.dump());
}

void Health::add_routes(http::Router& routes) const
{
    routes.get("/health/live",
               [this](http::Request&) -> awaitable<http::Response> { co_return live(); });
    routes.get("/health/ready", [this](http::Request&) { return ready(); });
}

} // namespace shop
