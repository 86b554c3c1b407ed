#include "gateway/event_log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace shop::gateway {

namespace {

std::string string_field(nlohmann::json const& data, char const* key)
{
    auto const it = data.find(key);
    return it != data.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool has(std::vector<SeenEvent> const& events, std::string_view type, std::string SeenEvent::*key,
         std::string const& value)
{
    return std::ranges::any_of(
        events, [&](SeenEvent const& e) { return e.event_type == type && e.*key == value; });
}

} // namespace

bool is_complete(std::vector<SeenEvent> const& events)
{
    return std::ranges::any_of(events, [&events](SeenEvent const& payment) {
        if (payment.event_type != "payment.completed" && payment.event_type != "payment.failed")
            return false;
        auto const order = std::ranges::find_if(events, [&payment](SeenEvent const& e) {
            return e.event_type == "order.created" && e.order_id == payment.order_id;
        });
        if (order == events.end())
            return false;
        return order->order_kind != "welcome" ||
               has(events, "user.created", &SeenEvent::user_id, order->user_id);
    });
}

EventLog::EventLog(EventLogLimits limits) : limits_{limits} {}

void EventLog::add(events::Envelope const& envelope)
{
    SeenEvent seen{0,
                   envelope.correlation_id,
                   envelope.event_id,
                   envelope.event_type,
                   envelope.source,
                   events::format_time(envelope.occurred_at),
                   events::format_time(events::Clock::now()),
                   envelope.data.dump(),
                   string_field(envelope.data, "orderId"),
                   string_field(envelope.data, "userId"),
                   string_field(envelope.data, "kind")};
    if (seen.data.size() > limits_.data_bytes)
        seen.data = "null";

    std::vector<std::shared_ptr<Signal>> wake;
    {
        std::lock_guard lock{mutex_};
        if (is_known(seen))
            return; // delivered again (at least once, or re-published by a relay)
        seen.sequence = ++sequence_;
        if (!seen.correlation_id.empty()) {
            auto [at, created] = chains_.try_emplace(seen.correlation_id);
            if (created) {
                chain_order_.push_back(seen.correlation_id);
                if (chain_order_.size() > limits_.chains) {
                    chains_.erase(chain_order_.front());
                    chain_order_.pop_front();
                }
            }
            auto& chain = at->second;
            if (chain.events.size() < limits_.events_per_chain) {
                // After every event that occurred no later (the format sorts as text).
                auto const place = std::ranges::upper_bound(chain.events, seen.occurred_at,
                                                            std::less<>{}, &SeenEvent::occurred_at);
                chain.events.insert(place, seen);
                chain.complete = chain.complete || is_complete(chain.events);
            }
        }
        live_.push_back(std::move(seen));
        if (live_.size() > limits_.live_events)
            live_.pop_front();
        std::erase_if(watchers_, [&wake](std::weak_ptr<Signal> const& watcher) {
            auto signal = watcher.lock();
            if (!signal)
                return true; // its waiter is gone
            wake.push_back(std::move(signal));
            return false;
        });
    }
    for (auto const& signal : wake)
        signal->notify();
}

bool EventLog::is_known(SeenEvent const& seen) const
{
    auto const same = [&seen](SeenEvent const& e) { return e.event_id == seen.event_id; };
    if (!seen.correlation_id.empty()) {
        auto const at = chains_.find(seen.correlation_id);
        return at != chains_.end() && std::ranges::any_of(at->second.events, same);
    }
    // No chain to look in: the live ring's newest events, where a redelivery lands.
    auto const recent = std::min<std::size_t>(live_.size(), kRecentLiveEvents);
    return std::any_of(live_.end() - static_cast<std::ptrdiff_t>(recent), live_.end(), same);
}

std::optional<Chain> EventLog::chain(std::string const& correlation_id) const
{
    std::lock_guard lock{mutex_};
    auto const at = chains_.find(correlation_id);
    if (at == chains_.end())
        return std::nullopt;
    return at->second;
}

bool EventLog::complete(std::string const& correlation_id) const
{
    std::lock_guard lock{mutex_};
    auto const at = chains_.find(correlation_id);
    return at != chains_.end() && at->second.complete;
}

std::vector<SeenEvent> EventLog::since(std::uint64_t sequence) const
{
    std::lock_guard lock{mutex_};
    auto const first = std::find_if(live_.begin(), live_.end(),
                                    [sequence](auto const& e) { return e.sequence > sequence; });
    return {first, live_.end()};
}

std::uint64_t EventLog::last_sequence() const
{
    std::lock_guard lock{mutex_};
    return sequence_;
}

std::size_t EventLog::chain_count() const
{
    std::lock_guard lock{mutex_};
    return chains_.size();
}

std::shared_ptr<Signal> EventLog::watch(net::any_io_executor executor)
{
    auto signal = std::make_shared<Signal>(std::move(executor));
    std::lock_guard lock{mutex_};
    std::erase_if(watchers_, [](auto const& watcher) { return watcher.expired(); });
    watchers_.push_back(signal);
    return signal;
}

} // namespace shop::gateway
