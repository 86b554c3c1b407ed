#include <shop/metrics/registry.hpp>

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <stdexcept>
#include <utility>
#include <variant>

namespace shop::metrics {

namespace detail {

enum class Kind { counter, gauge, histogram };

using Reader = std::function<double()>;

struct RegistryEntry {
    std::string name;
    std::string help;
    Kind kind;
    std::vector<std::string> label_names;
    std::vector<double> buckets; // histograms only
    std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
                 std::unique_ptr<Family<Histogram>>, Reader>
        body;
};

} // namespace detail

namespace {

using detail::Kind;
using detail::Reader;
using detail::RegistryEntry;

std::string_view kind_name(Kind kind)
{
    switch (kind) {
    case Kind::counter:
        return "counter";
    case Kind::gauge:
        return "gauge";
    case Kind::histogram:
        return "histogram";
    }
    return "untyped";
}

bool is_name(std::string_view s, bool allow_colon)
{
    auto const is_head = [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
               (allow_colon && c == ':');
    };
    auto const is_tail = [&](char c) { return is_head(c) || (c >= '0' && c <= '9'); };
    return !s.empty() && is_head(s.front()) && std::all_of(s.begin() + 1, s.end(), is_tail);
}

void validate_metric_name(std::string_view name)
{
    if (!is_name(name, true)) {
        throw std::invalid_argument{fmt::format("invalid metric name '{}'", name)};
    }
}

void validate_label_names(std::string_view metric, std::vector<std::string> const& names, Kind kind)
{
    for (auto i = names.begin(); i != names.end(); ++i) {
        if (!is_name(*i, false) || i->starts_with("__")) {
            throw std::invalid_argument{
                fmt::format("metric {}: invalid label name '{}'", metric, *i)};
        }
        if (kind == Kind::histogram && *i == "le") {
            throw std::invalid_argument{
                fmt::format("histogram {}: label 'le' is reserved", metric)};
        }
        if (std::find(names.begin(), i, *i) != i) {
            throw std::invalid_argument{fmt::format("metric {}: duplicate label '{}'", metric, *i)};
        }
    }
}

void validate_buckets(std::span<double const> bounds)
{
    if (bounds.empty()) {
        throw std::invalid_argument{"histogram buckets must not be empty"};
    }
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i - 1] < bounds[i]))) {
            throw std::invalid_argument{"histogram buckets must be finite and strictly increasing"};
        }
    }
}

std::vector<double> validated_buckets(std::vector<double> bounds)
{
    validate_buckets(bounds);
    return bounds;
}

// Prometheus spells non-finite values +Inf, -Inf and NaN; fmt's "{}" is shortest round-trip
// and prints integral values without a fraction.
void append_number(std::string& out, double v)
{
    if (std::isnan(v)) {
        out += "NaN";
    } else if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
    } else {
        fmt::format_to(std::back_inserter(out), "{}", v);
    }
}

void append_number(std::string& out, std::uint64_t v)
{
    fmt::format_to(std::back_inserter(out), "{}", v);
}

// HELP text escapes backslash and newline; label values also escape the double quote.
void append_escaped(std::string& out, std::string_view s, bool label_value)
{
    for (char const c : s) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && label_value) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

template <class Number>
void append_sample(std::string& out, std::string_view name, std::span<std::string const> names,
                   std::span<std::string const> values, std::string_view le, Number value)
{
    out += name;
    if (!names.empty() || !le.empty()) {
        out += '{';
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (i > 0) {
                out += ',';
            }
            out += names[i];
            out += "=\"";
            append_escaped(out, values[i], true);
            out += '"';
        }
        if (!le.empty()) {
            out += names.empty() ? "le=\"" : ",le=\"";
            out += le;
            out += '"';
        }
        out += '}';
    }
    out += ' ';
    append_number(out, value);
    out += '\n';
}

template <class Metric>
void append_family(std::string& out, Family<Metric> const& family)
{
    for (auto const& child : family.children()) {
        append_sample(out, family.name(), family.label_names(), *child.label_values, {},
                      child.metric->value());
    }
}

void append_family(std::string& out, Family<Histogram> const& family)
{
    auto const children = family.children();
    if (children.empty()) {
        return;
    }
    auto const& name = family.name();
    auto const bucket = name + "_bucket";
    auto const sum = name + "_sum";
    auto const count = name + "_count";
    std::vector<std::string> les;
    for (double const bound : children.front().metric->bounds()) {
        les.push_back(fmt::format("{}", bound));
    }
    les.emplace_back("+Inf");

    auto const& names = family.label_names();
    for (auto const& child : children) {
        auto const& values = *child.label_values;
        auto const counts = child.metric->cumulative_counts();
        for (std::size_t i = 0; i < counts.size(); ++i) {
            append_sample(out, bucket, names, values, les[i], counts[i]);
        }
        append_sample(out, sum, names, values, {}, child.metric->sum());
        append_sample(out, count, names, values, {}, counts.back());
    }
}

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};

bool is_compatible(RegistryEntry const& existing, RegistryEntry const& wanted)
{
    return existing.kind == wanted.kind && existing.body.index() == wanted.body.index() &&
           !std::holds_alternative<Reader>(existing.body) &&
           existing.label_names == wanted.label_names && existing.buckets == wanted.buckets;
}

std::unique_ptr<RegistryEntry> make_family_entry(Kind kind, std::string name, std::string help,
                                                 std::vector<std::string> label_names,
                                                 std::vector<double> buckets)
{
    validate_metric_name(name);
    validate_label_names(name, label_names, kind);
    auto entry = std::make_unique<RegistryEntry>(RegistryEntry{
        std::move(name), std::move(help), kind, std::move(label_names), std::move(buckets), {}});
    auto const& e = *entry;
    switch (kind) {
    case Kind::counter:
        entry->body = std::make_unique<Family<Counter>>(e.name, e.label_names,
                                                        [] { return std::make_unique<Counter>(); });
        break;
    case Kind::gauge:
        entry->body = std::make_unique<Family<Gauge>>(e.name, e.label_names,
                                                      [] { return std::make_unique<Gauge>(); });
        break;
    case Kind::histogram:
        validate_buckets(e.buckets);
        entry->body = std::make_unique<Family<Histogram>>(
            e.name, e.label_names, [b = e.buckets] { return std::make_unique<Histogram>(b); });
        break;
    }
    return entry;
}

std::unique_ptr<RegistryEntry> make_callback_entry(Kind kind, std::string name, std::string help,
                                                   Reader read)
{
    validate_metric_name(name);
    if (!read) {
        throw std::invalid_argument{fmt::format("metric {}: empty callback", name)};
    }
    return std::make_unique<RegistryEntry>(
        RegistryEntry{std::move(name), std::move(help), kind, {}, {}, std::move(read)});
}

void append_entry(std::string& out, RegistryEntry const& e)
{
    out += "# HELP ";
    out += e.name;
    out += ' ';
    append_escaped(out, e.help, false);
    out += "\n# TYPE ";
    out += e.name;
    out += ' ';
    out += kind_name(e.kind);
    out += '\n';
    std::visit(Overloaded{[&](Reader const& read) {
                              double value = 0;
                              try {
                                  value = read();
                              } catch (std::exception const&) {
                                  return; // the value is unknown this time; skip the sample
                              }
                              append_sample(out, e.name, {}, {}, {}, value);
                          },
                          [&](auto const& family) { append_family(out, *family); }},
               e.body);
}

} // namespace

void Counter::inc(double v)
{
    if (!(v >= 0.0)) {
        throw std::invalid_argument{fmt::format("counter increment must be >= 0, got {}", v)};
    }
    value_.fetch_add(v, std::memory_order_relaxed);
}

void Gauge::set(double v)
{
    value_.store(v, std::memory_order_relaxed);
}

void Gauge::inc(double v)
{
    value_.fetch_add(v, std::memory_order_relaxed);
}

void Gauge::dec(double v)
{
    value_.fetch_sub(v, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_{validated_buckets(std::move(bounds))},
      buckets_{std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)}
{}

void Histogram::observe(double v)
{
    auto const bucket =
        std::isnan(v) ? bounds_.size()
                      : static_cast<std::size_t>(
                            std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
    buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const
{
    std::vector<std::uint64_t> counts(bounds_.size() + 1);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        total += buckets_[i].load(std::memory_order_relaxed);
        counts[i] = total;
    }
    return counts;
}

std::uint64_t Histogram::count() const
{
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        total += buckets_[i].load(std::memory_order_relaxed);
    }
    return total;
}

template <class Metric>
Family<Metric>::Family(std::string name, std::vector<std::string> labels, MakeChild make)
    : name_{std::move(name)}, label_names_{std::move(labels)}, make_child_{std::move(make)}
{
    if (label_names_.empty()) {
        children_.emplace(std::vector<std::string>{}, make_child_()); // so it prints 0 at once
    }
}

template <class Metric>
Metric& Family<Metric>::with(std::initializer_list<std::string_view> label_values)
{
    return find_or_create(std::span{label_values.begin(), label_values.size()});
}

template <class Metric>
Metric& Family<Metric>::with(std::span<std::string const> label_values)
{
    return find_or_create(label_values);
}

template <class Metric>
template <class Values>
Metric& Family<Metric>::find_or_create(Values const& label_values)
{
    if (label_values.size() != label_names_.size()) {
        throw std::invalid_argument{fmt::format("metric {} takes {} label values, got {}", name_,
                                                label_names_.size(), label_values.size())};
    }
    {
        std::shared_lock const lock{mutex_};
        if (auto const it = children_.find(label_values); it != children_.end()) {
            return *it->second;
        }
    }
    std::unique_lock const lock{mutex_};
    auto it = children_.find(label_values); // another thread may have created it meanwhile
    if (it == children_.end()) {
        it = children_
                 .emplace(std::vector<std::string>(label_values.begin(), label_values.end()),
                          make_child_())
                 .first;
    }
    return *it->second;
}

template <class Metric>
std::vector<typename Family<Metric>::Child> Family<Metric>::children() const
{
    std::shared_lock const lock{mutex_};
    std::vector<Child> out;
    out.reserve(children_.size());
    for (auto const& [values, metric] : children_) {
        out.push_back(Child{&values, metric.get()});
    }
    return out;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registry::Registry() = default;
Registry::~Registry() = default;

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> label_names)
{
    auto& entry = add(make_family_entry(Kind::counter, std::move(name), std::move(help),
                                        std::move(label_names), {}));
    return *std::get<std::unique_ptr<Family<Counter>>>(entry.body);
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> label_names)
{
    auto& entry = add(make_family_entry(Kind::gauge, std::move(name), std::move(help),
                                        std::move(label_names), {}));
    return *std::get<std::unique_ptr<Family<Gauge>>>(entry.body);
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> buckets)
{
    auto& entry = add(make_family_entry(Kind::histogram, std::move(name), std::move(help),
                                        std::move(label_names), std::move(buckets)));
    return *std::get<std::unique_ptr<Family<Histogram>>>(entry.body);
}

void Registry::gauge_callback(std::string name, std::string help, std::function<double()> read)
{
    add(make_callback_entry(Kind::gauge, std::move(name), std::move(help), std::move(read)));
}

void Registry::counter_callback(std::string name, std::string help, std::function<double()> read)
{
    add(make_callback_entry(Kind::counter, std::move(name), std::move(help), std::move(read)));
}

detail::RegistryEntry& Registry::add(std::unique_ptr<detail::RegistryEntry> entry)
{
    std::lock_guard const lock{mutex_};
    auto const it = std::find_if(entries_.begin(), entries_.end(),
                                 [&](auto const& e) { return e->name == entry->name; });
    if (it == entries_.end()) {
        return *entries_.emplace_back(std::move(entry));
    }
    if (!is_compatible(**it, *entry)) {
        throw std::invalid_argument{fmt::format(
            "metric {} is already registered with another type, labels or buckets", entry->name)};
    }
    return **it;
}

void Registry::on_scrape(std::function<void()> refresh)
{
    std::lock_guard const lock{mutex_};
    refreshes_.push_back(std::move(refresh));
}

std::string Registry::expose() const
{
    std::vector<detail::RegistryEntry const*> entries;
    std::vector<std::function<void()>> refreshes;
    {
        std::lock_guard const lock{mutex_};
        entries.reserve(entries_.size());
        for (auto const& e : entries_) {
            entries.push_back(e.get());
        }
        refreshes = refreshes_;
    }
    for (auto const& refresh : refreshes) {
        try {
            refresh();
        } catch (std::exception const&) {
            // its gauges keep the values of the last scrape
        }
    }
    std::string out; // formatted without the lock, so callbacks may use the registry
    for (auto const* e : entries) {
        append_entry(out, *e);
    }
    return out;
}

std::vector<double> default_latency_buckets()
{
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

} // namespace shop::metrics
