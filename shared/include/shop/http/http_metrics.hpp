#pragma once
// http_requests_total and http_request_duration_seconds by method, route template and
// status. Series of matched routes are cached per (route, status) in atomics, so the
// request path does no lookup and takes no lock once a series exists.
#include <shop/http/request.hpp>
#include <shop/metrics/registry.hpp>

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>

namespace shop::http {

struct Route;

class HttpMetrics {
public:
    HttpMetrics(metrics::Registry& registry, std::size_t route_count);

    // route == nullptr: no route matched; the route label is then "unmatched". `verb` is
    // the request's (HEAD may be served by a GET route); `method` its label.
    void record(Route const* route, Verb verb, std::string_view method, unsigned status,
                double seconds);

private:
    struct Series {
        metrics::Counter* requests;
        metrics::Histogram* duration;
    };
    static constexpr unsigned kFirstStatus = 100;
    static constexpr unsigned kStatusCount = 500;
    using Slots = std::array<std::atomic<Series const*>, kStatusCount>;

    Series lookup(std::string_view method, std::string_view route, unsigned status);

    metrics::Family<metrics::Counter>& requests_;
    metrics::Family<metrics::Histogram>& duration_;
    std::unique_ptr<Slots[]> cache_;
    std::size_t route_count_;
    std::mutex mutex_; // guards series_ (appends only on a cache miss)
    std::deque<Series> series_;
};

} // namespace shop::http
