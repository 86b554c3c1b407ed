#include <shop/http/thread_balancer.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace shop::http {
namespace balance {

std::size_t place(std::span<double const> loads, BalanceOptions const& options)
{
    auto const first_free =
        std::find_if(loads.begin(), loads.end(), [&](double load) { return load < options.busy; });
    auto const chosen =
        first_free != loads.end() ? first_free : std::min_element(loads.begin(), loads.end());
    return static_cast<std::size_t>(chosen - loads.begin());
}

std::optional<Handoff> plan(std::size_t from, std::span<double const> loads,
                            std::size_t connections, BalanceOptions const& options)
{
    if (connections == 0 || loads.size() < 2)
        return std::nullopt;
    auto const load = loads[from];
    if (load > options.busy) {
        std::size_t to = from == 0 ? 1 : 0;
        for (std::size_t i = 0; i < loads.size(); ++i)
            if (i != from && loads[i] < loads[to])
                to = i;
        auto const gap = load - loads[to];
        if (gap < options.busy / 2)
            return std::nullopt;
        // Moving a share of the connections moves about that share of the load: half the gap.
        auto const share = gap / (2 * load);
        auto const count =
            static_cast<std::size_t>(std::lround(share * static_cast<double>(connections)));
        return Handoff{to, std::clamp<std::size_t>(count, 1, connections)};
    }
    for (std::size_t to = 0; to < from; ++to)
        if (loads[to] + load < options.merge)
            return Handoff{to, connections};
    return std::nullopt;
}

} // namespace balance

namespace {

std::int64_t nanoseconds(ThreadBalancer::Clock::time_point time)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

} // namespace

std::chrono::nanoseconds ThreadBalancer::thread_cpu_time()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
}

ThreadBalancer::ThreadBalancer(std::size_t threads, BalanceOptions options, CpuClock cpu)
    : options_{options}, cpu_{cpu},
      window_ns_{std::chrono::duration_cast<std::chrono::nanoseconds>(options.window).count()},
      shards_(std::max<std::size_t>(threads, 1))
{}

std::size_t ThreadBalancer::place() const
{
    if (shards_.size() == 1)
        return 0;
    auto const current = loads(nanoseconds(Clock::now()));
    return balance::place(current, options_);
}

void ThreadBalancer::opened(std::size_t thread) noexcept
{
    shards_[thread].connections.fetch_add(1, std::memory_order_relaxed);
}

void ThreadBalancer::closed(std::size_t thread) noexcept
{
    shards_[thread].connections.fetch_sub(1, std::memory_order_relaxed);
}

std::size_t ThreadBalancer::next(std::size_t thread, Clock::time_point now)
{
    if (shards_.size() == 1)
        return thread;
    auto& shard = shards_[thread];
    auto const now_ns = nanoseconds(now);
    if (now_ns - shard.window_start_ns >= window_ns_)
        sample(shard, thread, now_ns);
    if (shard.handoffs == 0)
        return thread;
    --shard.handoffs;
    closed(thread);
    opened(shard.to);
    return shard.to;
}

void ThreadBalancer::sample(Shard& shard, std::size_t thread, std::int64_t now_ns)
{
    auto const cpu_ns = cpu_().count();
    auto const first = shard.window_start_ns == 0;
    auto const load = first ? 0.0
                            : static_cast<double>(cpu_ns - shard.window_cpu_ns) /
                                  static_cast<double>(now_ns - shard.window_start_ns);
    shard.window_start_ns = now_ns;
    shard.window_cpu_ns = cpu_ns;
    shard.load.store(load, std::memory_order_relaxed);
    shard.sampled_ns.store(now_ns, std::memory_order_relaxed);
    // A new plan each window: what the last one had left to move may no longer be due.
    auto const handoff =
        first ? std::nullopt
              : balance::plan(thread, loads(now_ns),
                              shard.connections.load(std::memory_order_relaxed), options_);
    shard.handoffs = handoff ? handoff->connections : 0;
    shard.to = handoff ? handoff->to : thread;
}

std::size_t ThreadBalancer::connections(std::size_t thread) const noexcept
{
    return shards_[thread].connections.load(std::memory_order_relaxed);
}

double ThreadBalancer::load(std::size_t thread) const
{
    return load_at(shards_[thread], nanoseconds(Clock::now()));
}

// A thread that finished no request for two windows is taken as idle.
double ThreadBalancer::load_at(Shard const& shard, std::int64_t now_ns) const
{
    auto const stale = now_ns - shard.sampled_ns.load(std::memory_order_relaxed) > 2 * window_ns_;
    return stale ? 0.0 : shard.load.load(std::memory_order_relaxed);
}

std::vector<double> ThreadBalancer::loads(std::int64_t now_ns) const
{
    std::vector<double> current;
    current.reserve(shards_.size());
    for (auto const& shard : shards_)
        current.push_back(load_at(shard, now_ns));
    return current;
}

} // namespace shop::http
