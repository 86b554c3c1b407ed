#pragma once
// The service chassis: one io_context per I/O thread, signals and graceful shutdown, the
// metrics registry, health checks, a pool for blocking work, and the HTTP server.
#include <shop/app/app_config.hpp>
#include <shop/app/blocking_pool.hpp>
#include <shop/health/health.hpp>
#include <shop/http/router.hpp>
#include <shop/metrics/registry.hpp>
#include <shop/net/asio.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace shop {

namespace http {
class Server;
}

class App {
public:
    explicit App(AppConfig config);
    ~App();
    App(App const&) = delete;
    App& operator=(App const&) = delete;

    AppConfig const& config() const noexcept { return config_; }
    // The first I/O thread's io_context: signals, timers and the listener run there; each
    // connection runs on one of the I/O threads' io_contexts.
    net::io_context& io() noexcept { return *io_.front(); }
    metrics::Registry& metrics() noexcept { return metrics_; }
    Health& health() noexcept { return health_; }
    BlockingPool& blocking() noexcept { return blocking_; }

    // Adds /health/live, /health/ready and /metrics to the routes and binds the port
    // (throws when it is taken).
    void serve(http::Router routes);

    // Serves until SIGTERM or SIGINT, then drains: readiness turns 503, the listener
    // closes, requests in flight finish within the shutdown bound. Returns the exit code.
    int run();

private:
    void begin_shutdown(int signal);
    void run_io_thread(net::io_context& io);
    void stop_io();

    AppConfig config_;
    std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
    metrics::Registry metrics_; // outlives the io_context: handlers may still hold series
    Health health_;
    // One per I/O thread: a connection's work never crosses threads, and no thread wakes
    // another to share a queue.
    std::vector<std::unique_ptr<net::io_context>> io_;
    std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running_;
    BlockingPool blocking_;
    net::signal_set signals_;
    net::steady_timer shutdown_bound_;
    std::shared_ptr<http::Server> server_;
};

// Runs a service's start-up under one roof: a failure is logged as one fatal line
// (a bad variable named by config::Error) and becomes exit code 1.
int run_main(std::string_view service, std::function<int()> const& body);

} // namespace shop
