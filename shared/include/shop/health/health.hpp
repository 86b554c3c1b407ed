#pragma once
// /health/live (the process only) and /health/ready (every registered dependency check),
// with bodies in NestJS terminus's shape: {"status","info","error","details"}.
#include <shop/http/router.hpp>
#include <shop/net/asio.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace shop {

struct CheckResult {
    bool up = true;
    std::string message; // why it is down
};

class Health {
public:
    using Check = std::function<awaitable<CheckResult>()>;

    // A dependency /health/ready must see up (the database, Kafka, ...).
    void add(std::string name, Check check);
    // From now on /health/ready answers 503.
    void set_shutting_down() noexcept { shutting_down_.store(true, std::memory_order_release); }
    bool shutting_down() const noexcept { return shutting_down_.load(std::memory_order_acquire); }

    http::Response live() const;
    awaitable<http::Response> ready() const;
    void add_routes(http::Router& routes) const;

private:
    std::vector<std::pair<std::string, Check>> checks_;
    std::atomic<bool> shutting_down_{false};
};

} // namespace shop
