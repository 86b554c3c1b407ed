// A server on the chassis with routes that only tests need (slow, failing, echoing), so
// the chassis's behaviour can be shown without putting such routes in a real service.
#include <shop/app/app.hpp>
#include <shop/http/thread_balancer.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <functional>
#include <thread>

using shop::awaitable;
using shop::http::Request;
using shop::http::Response;
using shop::http::Status;

int main()
{
    return shop::run_main("test-server", [] {
        shop::App app{
            shop::AppConfig::from_env(shop::config::Env::from_process(), "test-server", 0)};
        shop::http::Router routes;
        routes.get("/slow", [](Request& req) -> awaitable<Response> {
            auto const ms = std::stoi(req.query("ms").value_or("1000"));
            shop::net::steady_timer timer{co_await shop::net::this_coro::executor,
                                          std::chrono::milliseconds{ms}};
            co_await timer.async_wait(shop::use_awaitable);
            co_return Response::json(Status::ok, nlohmann::json{{"slept", ms}});
        });
        routes.post("/echo", [](Request& req) -> awaitable<Response> {
            co_return Response::json(Status::ok, req.json());
        });
        routes.get("/items/:id", [](Request& req) -> awaitable<Response> {
            co_return Response::json(
                Status::ok,
                nlohmann::json{{"id", req.param("id")}, {"q", req.query("q").value_or("")}});
        });
        routes.get("/boom", [](Request&) -> awaitable<Response> {
            throw std::runtime_error{"secret detail: password=hunter2"};
            co_return Response{};
        });
        // Which I/O thread served the request; with ?spin_ms=, after using that much CPU on it.
        routes.get("/thread", [](Request& req) -> awaitable<Response> {
            auto const spin =
                std::chrono::milliseconds{std::stoi(req.query("spin_ms").value_or("0"))};
            auto const start = shop::http::ThreadBalancer::thread_cpu_time();
            while (shop::http::ThreadBalancer::thread_cpu_time() - start < spin) {
            }
            auto const id = std::hash<std::thread::id>{}(std::this_thread::get_id());
            co_return Response::json(Status::ok, nlohmann::json{{"thread", std::to_string(id)}});
        });
        routes.get("/blocking", [&app](Request&) -> awaitable<Response> {
            auto const io_thread = std::this_thread::get_id();
            auto const worker = co_await app.blocking().run([] {
                std::this_thread::sleep_for(std::chrono::milliseconds{20});
                return std::this_thread::get_id();
            });
            co_return Response::json(Status::ok,
                                     nlohmann::json{{"offloaded", worker != io_thread}});
        });
        // An upstream for the gateway's tests: echoes what arrived (method, target, headers,
        // body) with the status asked for in ?status=, and answers with headers a gateway
        // must pass on (X-Total-Count, Location), drop (hop-by-hop ones, Server) or replace
        // with its own (security headers, Cache-Control).
        auto const echo = [](Request& req) -> awaitable<Response> {
            nlohmann::json headers = nlohmann::json::object();
            for (auto const& field : req.message()) {
                std::string name{field.name_string()};
                for (auto& c : name)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                headers[name] = std::string{field.value()};
            }
            auto const status = std::stoi(req.query("status").value_or("200"));
            auto response = Response::json(static_cast<Status>(status),
                                           nlohmann::json{{"method", req.method_name()},
                                                          {"target", req.target()},
                                                          {"headers", headers},
                                                          {"body", req.body()}});
            response.header("X-Total-Count", "42")
                .header("Location", std::string{req.path()} + "/created")
                .header("Keep-Alive", "timeout=5")
                .header("Upgrade", "h2c")
                .header("Proxy-Authenticate", "Basic")
                .header("Server", "test-upstream/1.0")
                .header("X-Frame-Options", "SAMEORIGIN")
                .header("Referrer-Policy", "unsafe-url")
                .header("Cache-Control", "public, max-age=60");
            co_return response;
        };
        for (auto const* pattern : {"/api/:service", "/api/:service/:id", "/api/:service/:id/:sub"})
            for (auto const method :
                 {shop::http::Verb::get, shop::http::Verb::post, shop::http::Verb::put,
                  shop::http::Verb::patch, shop::http::Verb::delete_, shop::http::Verb::options})
                routes.add(method, pattern, echo);
        // Answers after ?ms= milliseconds; "never" answers after ten minutes.
        auto const wait = [](Request& req) -> awaitable<Response> {
            auto const never = req.path().ends_with("/never");
            auto const ms = never ? 600'000 : std::stoi(req.query("ms").value_or("1000"));
            shop::net::steady_timer timer{co_await shop::net::this_coro::executor,
                                          std::chrono::milliseconds{ms}};
            co_await timer.async_wait(shop::use_awaitable);
            co_return Response::json(Status::ok, nlohmann::json{{"slept", ms}});
        };
        for (auto const* pattern : {"/api/:service/slow", "/api/:service/never"}) {
            routes.get(pattern, wait);
            routes.post(pattern, wait);
        }
        app.serve(std::move(routes));
        return app.run();
    });
}
