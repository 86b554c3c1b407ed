#include <shop/app/app.hpp>
#include <shop/http/server.hpp>
#include <shop/log/log.hpp>
#include <shop/metrics/process.hpp>

#include <csignal>
#include <thread>
#include <vector>

namespace shop {
namespace {

std::vector<std::unique_ptr<net::io_context>> io_contexts(std::size_t threads)
{
    std::vector<std::unique_ptr<net::io_context>> contexts;
    for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
        contexts.push_back(std::make_unique<net::io_context>(1)); // run by one thread
    return contexts;
}

} // namespace

App::App(AppConfig config)
    : config_{std::move(config)}, io_{io_contexts(config_.io_threads)},
      blocking_{config_.blocking_threads}, signals_{io(), SIGINT, SIGTERM}, shutdown_bound_{io()}
{
    log::init(config_.service, config_.log_level);
    metrics::register_process_metrics(metrics_);
}

App::~App() = default;

void App::serve(http::Router routes)
{
    health_.add_routes(routes);
    routes.get("/metrics", [this](http::Request&) -> awaitable<http::Response> {
        co_return http::Response::text(http::Status::ok, metrics_.expose(),
                                       http::content_type::kPrometheus);
    });
    std::vector<net::io_context*> shards;
    for (auto const& io : io_)
        shards.push_back(io.get());
    server_ = http::Server::create(std::move(shards), config_.http, std::move(routes), metrics_);
}

int App::run()
{
    signals_.async_wait([this](boost::system::error_code ec, int signal) {
        if (!ec)
            begin_shutdown(signal);
    });
    if (server_) {
        server_->start();
        auto const startup =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - created_)
                .count();
        log::Line(log::Level::info)
            .field("host", config_.http.host)
            .field("port", static_cast<std::int64_t>(server_->port()))
            .field("env", config_.app_env)
            .field("startupMs", startup)
            .emit(config_.service + " listening");
    }

    // The others have no work of their own until a connection comes: kept running until
    // stop_io(). The guards are all made before any thread starts.
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < io_.size(); ++i)
        keep_running_.push_back(net::make_work_guard(*io_[i]));
    for (std::size_t i = 1; i < io_.size(); ++i)
        threads.emplace_back([this, i] { run_io_thread(*io_[i]); });
    run_io_thread(io());
    stop_io();       // however the first one ended
    threads.clear(); // joins
    blocking_.stop();
    log::info("{} stopped", config_.service);
    log::flush();
    return 0;
}

void App::run_io_thread(net::io_context& io)
{
    // A detached coroutine's escaping exception surfaces here: log it, keep serving.
    for (;;) {
        try {
            io.run();
            return;
        } catch (std::exception const& e) {
            log::error("unhandled exception on an I/O thread: {}", e.what());
        }
    }
}

// From any thread: io_context::stop() is thread-safe and the guards stay until ~App.
void App::stop_io()
{
    for (auto const& io : io_)
        io->stop();
}

void App::begin_shutdown(int signal)
{
    log::info("received {}, draining (bound {} ms)", signal == SIGINT ? "SIGINT" : "SIGTERM",
              config_.shutdown_timeout.count());
    health_.set_shutting_down();

    // A second signal means "now".
    signals_.async_wait([this](boost::system::error_code ec, int) {
        if (ec)
            return;
        log::warn("second signal: stopping without waiting");
        if (server_)
            server_->close_all();
        stop_io();
    });
    shutdown_bound_.expires_after(config_.shutdown_timeout);
    shutdown_bound_.async_wait([this](boost::system::error_code ec) {
        if (ec)
            return;
        log::warn("shutdown bound of {} ms reached: closing remaining connections",
                  config_.shutdown_timeout.count());
        if (server_)
            server_->close_all();
        stop_io();
    });
    if (!server_) {
        stop_io();
        return;
    }
    server_->drain([this] { stop_io(); });
}

int run_main(std::string_view service, std::function<int()> const& body)
{
    try {
        return body();
    } catch (config::Error const& e) {
        log::init(service, log::Level::info);
        log::fatal("invalid configuration: {}", e.what());
    } catch (std::exception const& e) {
        log::init(service, log::Level::info);
        log::fatal("start-up failed: {}", e.what());
    }
    log::shutdown();
    return 1;
}

} // namespace shop
