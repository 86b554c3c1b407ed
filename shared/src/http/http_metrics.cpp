#include <shop/http/http_metrics.hpp>
#include <shop/http/router.hpp>

namespace shop::http {

HttpMetrics::HttpMetrics(metrics::Registry& registry, std::size_t route_count)
    : requests_{registry.counter("http_requests_total", "Total number of HTTP requests",
                                 {"method", "route", "status_code"})},
      duration_{registry.histogram(
          "http_request_duration_seconds", "Duration of HTTP requests in seconds",
          {"method", "route", "status_code"}, metrics::default_latency_buckets())},
      cache_{std::make_unique<Slots[]>(route_count)}, route_count_{route_count}
{}

HttpMetrics::Series HttpMetrics::lookup(std::string_view method, std::string_view route,
                                        unsigned status)
{
    auto const code = std::to_string(status);
    return Series{&requests_.with({method, route, code}), &duration_.with({method, route, code})};
}

void HttpMetrics::record(Route const* route, Verb verb, std::string_view method, unsigned status,
                         double seconds)
{
    // The cache holds the route's own method only: HEAD on a GET route takes the slow path.
    bool const cacheable = route && route->method == verb && route->id < route_count_ &&
                           status >= kFirstStatus && status < kFirstStatus + kStatusCount;
    if (!cacheable) {
        // Rare (unmatched paths): Family::with finds the existing child under a shared lock.
        auto const s =
            lookup(method, route ? std::string_view{route->pattern} : "unmatched", status);
        s.requests->inc();
        s.duration->observe(seconds);
        return;
    }
    auto& slot = cache_[route->id][status - kFirstStatus];
    auto const* s = slot.load(std::memory_order_acquire);
    if (!s) {
        // Two threads may race here; both store an equivalent series, one stays unused.
        std::lock_guard lock{mutex_};
        s = &series_.emplace_back(lookup(method, route->pattern, status));
        slot.store(s, std::memory_order_release);
    }
    s->requests->inc();
    s->duration->observe(seconds);
}

} // namespace shop::http
