#pragma once

// A small Prometheus client: counters, gauges and histograms with labels, scrape-time
// callbacks, and the text exposition format 0.0.4. Metric updates are lock-free atomics;
// look up a labelled child once with Family::with() and keep the reference.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shop::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Monotonic; inc() with a negative or NaN amount throws std::invalid_argument.
class Counter {
public:
    void inc(double v = 1.0);
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0.0};
};

class Gauge {
public:
    void set(double v);
    void inc(double v = 1.0);
    void dec(double v = 1.0);
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0.0};
};

// Upper bounds are finite and strictly increasing; +Inf is implicit. An observation lands in
// the first bucket whose bound is >= the value (NaN lands in +Inf).
class Histogram {
public:
    explicit Histogram(std::vector<double> bounds);

    void observe(double v);

    std::span<double const> bounds() const { return bounds_; }
    // One count per bound plus the +Inf bucket; the last element equals count().
    std::vector<std::uint64_t> cumulative_counts() const;
    std::uint64_t count() const;
    double sum() const { return sum_.load(std::memory_order_relaxed); }

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_; // bounds_.size() + 1, not cumulative
    std::atomic<double> sum_{0.0};
};

// Orders label-value tuples of any string-like element type, so lookups need no allocation.
struct LabelValuesLess {
    using is_transparent = void;

    template <class A, class B>
    bool operator()(A const& a, B const& b) const
    {
        return std::lexicographical_compare(
            a.begin(), a.end(), b.begin(), b.end(),
            [](auto const& x, auto const& y) { return std::string_view{x} < std::string_view{y}; });
    }
};

// All children of one metric name, one per distinct tuple of label values. Children are
// created on first use and never move or die, so references from with() stay valid for the
// family's lifetime. Created by Registry.
template <class Metric>
class Family {
public:
    using MakeChild = std::function<std::unique_ptr<Metric>()>;

    struct Child {
        std::vector<std::string> const* label_values;
        Metric const* metric;
    };

    Family(std::string name, std::vector<std::string> labels, MakeChild make);
    Family(Family const&) = delete;
    Family& operator=(Family const&) = delete;

    // Thread-safe; throws std::invalid_argument when the number of values is wrong.
    Metric& with(std::initializer_list<std::string_view> label_values);
    Metric& with(std::span<std::string const> label_values);

    std::string const& name() const { return name_; }
    std::vector<std::string> const& label_names() const { return label_names_; }
    // A snapshot ordered by label values.
    std::vector<Child> children() const;

private:
    template <class Values>
    Metric& find_or_create(Values const& label_values);

    std::string name_;
    std::vector<std::string> label_names_;
    MakeChild make_child_;
    mutable std::shared_mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<Metric>, LabelValuesLess> children_;
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

namespace detail {
struct RegistryEntry;
} // namespace detail

// Owns all metric families of a process. Registering a name again returns the existing family
// when type, label names (and buckets) match, else throws std::invalid_argument, as do invalid
// metric or label names. Callback names must be unique. Thread-safe.
class Registry {
public:
    Registry();
    ~Registry();
    Registry(Registry const&) = delete;
    Registry& operator=(Registry const&) = delete;

    Family<Counter>& counter(std::string name, std::string help,
                             std::vector<std::string> label_names = {});
    Family<Gauge>& gauge(std::string name, std::string help,
                         std::vector<std::string> label_names = {});
    Family<Histogram>& histogram(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> buckets);

    // Single unlabelled samples read at scrape time. A callback that throws has its sample left
    // out of that scrape. Callbacks run without the registry lock held.
    void gauge_callback(std::string name, std::string help, std::function<double()> read);
    void counter_callback(std::string name, std::string help, std::function<double()> read);

    // Runs before every expose(), without the registry lock: for labelled gauges whose values
    // are cheaper to read when scraped than to keep up to date. One that throws is skipped.
    void on_scrape(std::function<void()> refresh);

    // Prometheus text exposition format 0.0.4, families in registration order.
    std::string expose() const;

private:
    // Returns the entry already registered under the same name if compatible, else adds this one.
    detail::RegistryEntry& add(std::unique_ptr<detail::RegistryEntry> entry);

    mutable std::mutex mutex_;
    // In registration order; entries never move, so expose() can work on a snapshot.
    std::vector<std::unique_ptr<detail::RegistryEntry>> entries_;
    std::vector<std::function<void()>> refreshes_;
};

// Seconds: 0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10.
std::vector<double> default_latency_buckets();

} // namespace shop::metrics
