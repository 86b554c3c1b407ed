#include <shop/log/log.hpp>
#include <shop/outbox/outbox.hpp>
#include <shop/outbox/relay.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/connection>
#include <pqxx/notification>

#include <algorithm>

namespace shop::outbox {
namespace {

kafka::Headers headers_of(std::string const& json_text)
{
    kafka::Headers headers;
    auto const object = nlohmann::json::parse(json_text, nullptr, false);
    if (object.is_object())
        for (auto const& [name, value] : object.items())
            if (value.is_string())
                headers.emplace_back(name, value.get<std::string>());
    return headers;
}

// "{1,2,3}": a bigint[] literal for one parameter instead of a query per row.
std::string array_literal(std::vector<std::int64_t> const& ids)
{
    std::string text = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0)
            text += ',';
        text += std::to_string(ids[i]);
    }
    return text + "}";
}

class Wakeup : public pqxx::notification_receiver {
public:
    Wakeup(pqxx::connection_base& connection, Relay& relay)
        : pqxx::notification_receiver{connection, std::string{kChannel}}, relay_{relay}
    {}
    void operator()(std::string const&, int) override { relay_.wake(); }

private:
    Relay& relay_;
};

} // namespace

Relay::Relay(db::Pool& pool, kafka::Producer& producer, RelayOptions options)
    : pool_{pool}, producer_{producer}, options_{options}
{}

Relay::~Relay()
{
    stop();
}

void Relay::start()
{
    worker_ = std::jthread{[this] { run(); }};
    listener_ = std::jthread{[this] { listen(); }};
}

void Relay::stop()
{
    if (stopping_.exchange(true))
        return;
    wake();
    worker_ = {};
    listener_ = {};
}

void Relay::wake() noexcept
{
    {
        std::lock_guard lock{mutex_};
        woken_ = true;
    }
    wake_.notify_all(); // the listener may be backing off on the same condition
}

bool Relay::wait(std::chrono::milliseconds timeout)
{
    std::unique_lock lock{mutex_};
    wake_.wait_for(lock, timeout, [this] { return woken_ || stopping_.load(); });
    woken_ = false;
    return !stopping_.load();
}

Relay::Pass Relay::publish_batch()
{
    return pool_.run_sync([this](pqxx::work& tx) {
        auto const rows =
            tx.exec_params("SELECT id, topic, key, payload, headers::text FROM outbox "
                           "WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                           static_cast<std::int64_t>(options_.batch));
        Pass pass{rows.size(), 0};
        if (rows.empty())
            return pass;
        std::vector<std::int64_t> ids;
        std::vector<kafka::Message> messages;
        for (auto const& row : rows) {
            ids.push_back(row[0].as<std::int64_t>());
            messages.push_back({row[1].as<std::string>(), row[2].as<std::string>(),
                                row[3].as<std::string>(), headers_of(row[4].as<std::string>())});
        }
        auto const reports = producer_.produce_and_wait(messages);
        std::vector<std::int64_t> delivered;
        for (std::size_t i = 0; i < reports.size(); ++i) {
            if (reports[i].outcome == kafka::Delivery::delivered) {
                delivered.push_back(ids[i]);
                continue;
            }
            // Unknown or failed: stays unpublished and goes again; consumers deduplicate.
            tx.exec_params(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1", ids[i],
                reports[i].error);
        }
        if (!delivered.empty())
            tx.exec_params("UPDATE outbox SET published_at = now(), attempts = attempts + 1 "
                           "WHERE id = ANY($1::bigint[])",
                           array_literal(delivered));
        tx.commit();
        pass.delivered = delivered.size();
        return pass;
    });
}

void Relay::run()
{
    auto backoff = options_.backoff_first;
    auto pause = options_.poll_interval;
    while (wait(pause)) {
        try {
            auto const pass = publish_batch();
            published_ += pass.delivered;
            failed_ += pass.claimed - pass.delivered;
            pending_ = pass.claimed - pass.delivered;
            if (pass.delivered < pass.claimed) {
                pause = backoff; // Kafka is unavailable: try again, slower each time
                backoff = std::min(backoff * 2, options_.backoff_max);
                log::warn("outbox: {} of {} events not delivered, retrying in {} ms",
                          pass.claimed - pass.delivered, pass.claimed, pause.count());
                continue;
            }
            backoff = options_.backoff_first;
            // A full batch means more may be waiting: go on at once.
            pause = pass.claimed == options_.batch ? std::chrono::milliseconds{0}
                                                   : options_.poll_interval;
        } catch (std::exception const& e) {
            pause = backoff;
            backoff = std::min(backoff * 2, options_.backoff_max);
            log::warn("outbox: publishing failed ({}), retrying in {} ms", e.what(), pause.count());
        }
    }
}

void Relay::listen()
{
    auto backoff = options_.backoff_first;
    while (!stopping_.load()) {
        try {
            pqxx::connection connection{pool_.config().connection_string()};
            Wakeup const wakeup{connection, *this};
            backoff = options_.backoff_first;
            wake(); // whatever was committed while we were not listening
            while (!stopping_.load())
                connection.await_notification(0, 200'000); // checks for stop five times a second
        } catch (std::exception const& e) {
            if (stopping_.load())
                return;
            log::warn("outbox: LISTEN connection lost ({}), reconnecting", e.what());
            std::unique_lock lock{mutex_};
            wake_.wait_for(lock, backoff, [this] { return stopping_.load(); });
            backoff = std::min(backoff * 2, options_.backoff_max);
        }
    }
}

} // namespace shop::outbox
