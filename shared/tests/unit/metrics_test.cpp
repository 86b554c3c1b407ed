#include <shop/metrics/process.hpp>
#include <shop/metrics/registry.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace shop::metrics;

namespace {

// The value of the first sample line for `name` (labels included in the name, if any).
double sample_value(std::string const& text, std::string const& name)
{
    std::istringstream lines{text};
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(name + ' ')) {
            return std::stod(line.substr(name.size() + 1));
        }
    }
    FAIL("no sample " << name << " in:\n" << text);
    return 0;
}

// The sample line a label-less gauge set to v exposes.
std::string gauge_line(double v)
{
    Registry registry;
    registry.gauge("g", "G.").with({}).set(v);
    auto const text = registry.expose();
    return text.substr(text.rfind("\ng ") + 1);
}

} // namespace

TEST_CASE("a small registry exposes exactly the expected text", "[metrics]")
{
    Registry registry;
    auto& requests =
        registry.counter("http_requests_total", "Requests handled.", {"method", "status"});
    requests.with({"POST", "201"}).inc(0.5);
    requests.with({"GET", "200"}).inc();
    requests.with({"GET", "200"}).inc(2);
    registry.gauge("http_in_flight_requests", "Requests in flight.").with({}).set(3);
    registry.gauge("queue_depth", "Messages waiting.", {"queue"});
    auto& latency = registry.histogram("http_request_duration_seconds", "Request latency.",
                                       {"route"}, {0.125, 0.5, 1});
    auto& orders = latency.with({"/orders"});
    for (double const v : {0.0625, 0.125, 0.75, 3.0}) {
        orders.observe(v);
    }
    registry.histogram("job_seconds", "Job time.", {}, {1}).with({}).observe(0.25);

    CHECK(registry.expose() == R"(# HELP http_requests_total Requests handled.
# TYPE http_requests_total counter
http_requests_total{method="GET",status="200"} 3
http_requests_total{method="POST",status="201"} 0.5
# HELP http_in_flight_requests Requests in flight.
# TYPE http_in_flight_requests gauge
http_in_flight_requests 3
# HELP queue_depth Messages waiting.
# TYPE queue_depth gauge
# HELP http_request_duration_seconds Request latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{route="/orders",le="0.125"} 2
http_request_duration_seconds_bucket{route="/orders",le="0.5"} 2
http_request_duration_seconds_bucket{route="/orders",le="1"} 3
http_request_duration_seconds_bucket{route="/orders",le="+Inf"} 4
http_request_duration_seconds_sum{route="/orders"} 3.9375
http_request_duration_seconds_count{route="/orders"} 4
# HELP job_seconds Job time.
# TYPE job_seconds histogram
job_seconds_bucket{le="1"} 1
job_seconds_bucket{le="+Inf"} 1
job_seconds_sum 0.25
job_seconds_count 1
)");
    CHECK(orders.count() == 4);
    CHECK(orders.sum() == 3.9375);
    CHECK(orders.cumulative_counts() == std::vector<std::uint64_t>{2, 2, 3, 4});
}

TEST_CASE("a label-less family prints zero before any update", "[metrics]")
{
    Registry registry;
    registry.counter("events_total", "Events.");
    registry.histogram("wait_seconds", "Wait.", {}, {0.5});
    CHECK(registry.expose() == R"(# HELP events_total Events.
# TYPE events_total counter
events_total 0
# HELP wait_seconds Wait.
# TYPE wait_seconds histogram
wait_seconds_bucket{le="0.5"} 0
wait_seconds_bucket{le="+Inf"} 0
wait_seconds_sum 0
wait_seconds_count 0
)");
}

TEST_CASE("label values and help text are escaped", "[metrics]")
{
    Registry registry;
    registry.counter("odd_total", "Back\\slash, \"quotes\" and a\nnewline.", {"v"})
        .with({"a\"b\\c\nd"})
        .inc();
    CHECK(registry.expose() == R"(# HELP odd_total Back\\slash, "quotes" and a\nnewline.
# TYPE odd_total counter
odd_total{v="a\"b\\c\nd"} 1
)");
}

TEST_CASE("integers print without decimals and other values round-trip", "[metrics]")
{
    CHECK(gauge_line(3) == "g 3\n");
    CHECK(gauge_line(0) == "g 0\n");
    CHECK(gauge_line(-2) == "g -2\n");
    CHECK(gauge_line(123456789) == "g 123456789\n");
    CHECK(gauge_line(0.1) == "g 0.1\n");
    CHECK(gauge_line(0.1 + 0.2) == "g 0.30000000000000004\n");
    CHECK(gauge_line(-2.5) == "g -2.5\n");
    CHECK(gauge_line(1e21) == "g 1e+21\n");
    CHECK(gauge_line(std::numeric_limits<double>::infinity()) == "g +Inf\n");
    CHECK(gauge_line(-std::numeric_limits<double>::infinity()) == "g -Inf\n");
    CHECK(gauge_line(std::numeric_limits<double>::quiet_NaN()) == "g NaN\n");
}

TEST_CASE("default latency buckets print as the Go client prints them", "[metrics]")
{
    Registry registry;
    registry.histogram("d_seconds", "D.", {}, default_latency_buckets());
    auto const text = registry.expose();
    std::string les;
    for (auto pos = text.find("le=\""); pos != std::string::npos; pos = text.find("le=\"", pos)) {
        pos += 4;
        les += text.substr(pos, text.find('"', pos) - pos) + ' ';
    }
    CHECK(les == "0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 +Inf ");
}

TEST_CASE("an observation on a bucket bound counts in that bucket", "[metrics]")
{
    Histogram h{{1, 2}};
    h.observe(1);
    h.observe(2);
    h.observe(2.5);
    h.observe(std::numeric_limits<double>::quiet_NaN());
    CHECK(h.cumulative_counts() == std::vector<std::uint64_t>{1, 2, 4});
    CHECK(h.count() == 4);
}

TEST_CASE("the same label values give the same child", "[metrics]")
{
    Registry registry;
    auto& family = registry.gauge("temperature_celsius", "T.", {"room", "side"});
    auto& kitchen = family.with({"kitchen", "north"});
    std::vector<std::string> const values{"kitchen", "north"};
    CHECK(&family.with(values) == &kitchen);
    CHECK(&family.with({"kitchen", "north"}) == &kitchen);
    CHECK(&family.with({"kitchen", "south"}) != &kitchen);
    CHECK(&family.with({"hall", "north"}) != &kitchen);
    CHECK(family.children().size() == 3);
}

TEST_CASE("the wrong number of label values throws", "[metrics]")
{
    Registry registry;
    auto& labelled = registry.counter("a_total", "A.", {"x", "y"});
    CHECK_THROWS_AS(labelled.with({"1"}), std::invalid_argument);
    CHECK_THROWS_AS(labelled.with({"1", "2", "3"}), std::invalid_argument);
    CHECK_THROWS_AS(labelled.with({}), std::invalid_argument);
    auto& plain = registry.counter("b_total", "B.");
    CHECK_THROWS_AS(plain.with({"1"}), std::invalid_argument);
    CHECK(labelled.children().empty());
}

TEST_CASE("a negative counter increment throws", "[metrics]")
{
    Counter counter;
    counter.inc(2);
    CHECK_THROWS_AS(counter.inc(-1), std::invalid_argument);
    CHECK_THROWS_AS(counter.inc(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
    CHECK(counter.value() == 2);
}

TEST_CASE("invalid metric names, label names and buckets throw", "[metrics]")
{
    Registry registry;
    for (auto const* name : {"", "1abc", "a-b", "a b", "é"}) {
        CHECK_THROWS_AS(registry.counter(name, "X."), std::invalid_argument);
        CHECK_THROWS_AS(registry.gauge_callback(name, "X.", [] { return 0.0; }),
                        std::invalid_argument);
    }
    CHECK_NOTHROW(registry.counter("ns:sub_system_total", "Colons are allowed."));
    CHECK_NOTHROW(registry.counter("_x9_total", "X."));
    for (auto const* label : {"", "__reserved", "1a", "a:b", "a-b"}) {
        CHECK_THROWS_AS(registry.gauge("g", "G.", {label}), std::invalid_argument);
    }
    CHECK_THROWS_AS(registry.gauge("g", "G.", {"a", "a"}), std::invalid_argument);
    CHECK_THROWS_AS(registry.histogram("h", "H.", {"le"}, {1}), std::invalid_argument);
    CHECK_NOTHROW(registry.gauge("with_le", "G.", {"le", "_b"}));

    auto const inf = std::numeric_limits<double>::infinity();
    auto const nan = std::numeric_limits<double>::quiet_NaN();
    for (auto const& buckets :
         std::vector<std::vector<double>>{{}, {1, 1}, {2, 1}, {1, inf}, {nan}, {-inf, 0}}) {
        CHECK_THROWS_AS(registry.histogram("h", "H.", {}, buckets), std::invalid_argument);
        CHECK_THROWS_AS(Histogram{buckets}, std::invalid_argument);
    }
    CHECK_THROWS_AS(registry.gauge_callback("cb", "X.", {}), std::invalid_argument);
    CHECK(registry.expose().find("# HELP h ") == std::string::npos);
}

TEST_CASE("registering a name again returns the family only if type and labels match", "[metrics]")
{
    Registry registry;
    auto& counter = registry.counter("jobs_total", "Jobs.", {"kind"});
    CHECK(&registry.counter("jobs_total", "Jobs.", {"kind"}) == &counter);
    CHECK_THROWS_AS(registry.counter("jobs_total", "Jobs.", {"type"}), std::invalid_argument);
    CHECK_THROWS_AS(registry.counter("jobs_total", "Jobs."), std::invalid_argument);
    CHECK_THROWS_AS(registry.gauge("jobs_total", "Jobs.", {"kind"}), std::invalid_argument);

    auto& histogram = registry.histogram("job_seconds", "Job time.", {}, {1, 2});
    CHECK(&registry.histogram("job_seconds", "Job time.", {}, {1, 2}) == &histogram);
    CHECK_THROWS_AS(registry.histogram("job_seconds", "Job time.", {}, {1, 3}),
                    std::invalid_argument);

    registry.gauge_callback("pool_size", "Pool size.", [] { return 1.0; });
    CHECK_THROWS_AS(registry.gauge_callback("pool_size", "Pool size.", [] { return 2.0; }),
                    std::invalid_argument);
    CHECK_THROWS_AS(registry.gauge("pool_size", "Pool size."), std::invalid_argument);
    CHECK_THROWS_AS(registry.counter_callback("jobs_total", "Jobs.", [] { return 1.0; }),
                    std::invalid_argument);
}

TEST_CASE("concurrent updates from four threads sum exactly", "[metrics]")
{
    constexpr int kThreads = 4;
    constexpr int kIterations = 100'000;
    Registry registry;
    auto& counter = registry.counter("hits_total", "Hits.", {"shard"});
    auto& gauge = registry.gauge("level", "Level.");
    auto& histogram = registry.histogram("size_bytes", "Size.", {"shard"}, {1, 10});
    std::vector<std::string> const shards{"a", "b", "c", "d", "e"};

    std::atomic<bool> done{false};
    std::size_t empty_scrapes = 0; // scrapes race with updates and with new children
    std::jthread scraper{[&] {
        do {
            empty_scrapes += registry.expose().empty() ? 1 : 0;
        } while (!done);
    }};
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            auto& level = gauge.with({});
            for (int i = 0; i < kIterations; ++i) {
                auto const& shard = shards[static_cast<std::size_t>(i) % shards.size()];
                counter.with({shard}).inc();
                histogram.with({shard}).observe(5);
                level.inc(2);
                level.dec();
            }
        });
    }
    threads.clear();
    done = true;
    scraper.join();
    CHECK(empty_scrapes == 0);

    double hits = 0;
    std::uint64_t observations = 0;
    double observed = 0;
    for (auto const& child : counter.children()) {
        hits += child.metric->value();
    }
    for (auto const& child : histogram.children()) {
        observations += child.metric->count();
        observed += child.metric->sum();
        CHECK(child.metric->cumulative_counts().front() == 0);
    }
    CHECK(counter.children().size() == shards.size());
    CHECK(hits == kThreads * kIterations);
    CHECK(observations == kThreads * kIterations);
    CHECK(observed == 5.0 * kThreads * kIterations);
    CHECK(gauge.with({}).value() == kThreads * kIterations);
}

TEST_CASE("callbacks are read at expose time", "[metrics]")
{
    Registry registry;
    double pool_size = 1;
    int reads = 0;
    registry.gauge_callback("db_pool_size", "Connections.", [&] {
        ++reads;
        return pool_size;
    });
    registry.counter_callback("consumer_lag_total", "Lag.", [] { return 7.5; });
    registry.gauge_callback("broken", "Fails to read.",
                            []() -> double { throw std::runtime_error{"unavailable"}; });
    CHECK(reads == 0);

    auto const first = registry.expose();
    pool_size = 4;
    auto const second = registry.expose();
    CHECK(reads == 2);
    CHECK(sample_value(first, "db_pool_size") == 1);
    CHECK(sample_value(second, "db_pool_size") == 4);
    CHECK(second == R"(# HELP db_pool_size Connections.
# TYPE db_pool_size gauge
db_pool_size 4
# HELP consumer_lag_total Lag.
# TYPE consumer_lag_total counter
consumer_lag_total 7.5
# HELP broken Fails to read.
# TYPE broken gauge
)");
}

TEST_CASE("labelled gauges can be brought up to date as each scrape begins", "[metrics]")
{
    Registry registry;
    auto& open = registry.gauge("pool_open", "Open connections.", {"pool"});
    std::vector<double> per_pool{2, 5};
    registry.on_scrape([&] {
        for (std::size_t i = 0; i < per_pool.size(); ++i)
            open.with({std::to_string(i)}).set(per_pool[i]);
    });
    registry.on_scrape([] { throw std::runtime_error{"unavailable"}; });
    auto const first = registry.expose();
    CHECK(sample_value(first, R"(pool_open{pool="0"})") == 2);
    CHECK(sample_value(first, R"(pool_open{pool="1"})") == 5);
    per_pool = {0, 1};
    auto const second = registry.expose();
    CHECK(sample_value(second, R"(pool_open{pool="0"})") == 0);
    CHECK(sample_value(second, R"(pool_open{pool="1"})") == 1);
}

TEST_CASE("process metrics are present and plausible", "[metrics]")
{
    Registry registry;
    register_process_metrics(registry);
    auto const text = registry.expose();

    CHECK(text.find("# TYPE process_cpu_seconds_total counter\n") != std::string::npos);
    CHECK(text.find("# TYPE process_resident_memory_bytes gauge\n") != std::string::npos);
    CHECK(sample_value(text, "process_cpu_seconds_total") >= 0);
    auto const rss = sample_value(text, "process_resident_memory_bytes");
    CHECK(rss > 0);
    CHECK(sample_value(text, "process_virtual_memory_bytes") >= rss);
    auto const open_fds = sample_value(text, "process_open_fds");
    CHECK(open_fds >= 3);
    CHECK(sample_value(text, "process_max_fds") >= open_fds);

    using namespace std::chrono;
    auto const now = duration<double>(system_clock::now().time_since_epoch()).count();
    auto const start = sample_value(text, "process_start_time_seconds");
    CHECK(start > now - 86400);
    CHECK(start <= now + 1); // boot time has whole-second resolution
}
