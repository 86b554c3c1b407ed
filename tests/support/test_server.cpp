// A server on the chassis with routes that only tests need (slow, failing, echoing), so
// the chassis's behaviour can be shown without putting such routes in a real service.
#include <shop/app/app.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
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
        routes.get("/blocking", [&app](Request&) -> awaitable<Response> {
            auto const io_thread = std::this_thread::get_id();
            auto const worker = co_await app.blocking().run([] {
                std::this_thread::sleep_for(std::chrono::milliseconds{20});
                return std::this_thread::get_id();
            });
            co_return Response::json(Status::ok,
                                     nlohmann::json{{"offloaded", worker != io_thread}});
        });
        app.serve(std::move(routes));
        return app.run();
    });
}
