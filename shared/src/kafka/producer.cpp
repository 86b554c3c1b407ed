#include <shop/kafka/producer.hpp>
#include <shop/log/log.hpp>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace shop::kafka {
namespace {

std::string millis(std::chrono::milliseconds ms)
{
    return std::to_string(ms.count());
}

DeliveryReport report_of(rd_kafka_message_t const* message)
{
    DeliveryReport report;
    report.partition = message->partition;
    report.offset = message->offset;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        report.outcome = Delivery::delivered;
        return report;
    }
    report.error = rd_kafka_err2str(message->err);
    // A timed-out or possibly-persisted message may be in the log: only a retry can tell.
    bool const maybe_written =
        message->err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT ||
        rd_kafka_message_status(message) == RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED;
    report.outcome = maybe_written ? Delivery::unknown : Delivery::failed;
    return report;
}

// What produce_and_wait waits on: one slot per message, filled by delivery reports.
struct Batch {
    std::mutex mutex;
    std::condition_variable done;
    std::vector<DeliveryReport> reports;
    std::size_t pending = 0;

    void fill(std::size_t index, DeliveryReport const& report)
    {
        std::lock_guard lock{mutex};
        reports[index] = report;
        if (--pending == 0)
            done.notify_all();
    }
};

} // namespace

Producer::Producer(Config const& config) : config_{config}
{
    ConfPtr conf{rd_kafka_conf_new()};
    set(conf.get(), "bootstrap.servers", config_.brokers);
    set(conf.get(), "client.id", config_.client_id);
    set(conf.get(), "enable.idempotence", "true"); // implies acks=all, ordered retries
    set(conf.get(), "linger.ms", "0");             // latency over batching
    set(conf.get(), "message.timeout.ms", millis(config_.delivery_timeout));
    set(conf.get(), "socket.nagle.disable", "true");
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::on_delivery);
    rd_kafka_conf_set_opaque(conf.get(), this); // on_delivery's way back to the counters
    handle_ = create(RD_KAFKA_PRODUCER, std::move(conf));
    // Delivery reports are served here, continuously, as librdkafka expects.
    poller_ = std::jthread{[this] {
        while (!stopping_.load(std::memory_order_acquire))
            rd_kafka_poll(handle_.get(), 100);
    }};
}

Producer::~Producer()
{
    if (!flush(config_.delivery_timeout))
        log::warn("kafka producer stopped with {} messages undelivered",
                  rd_kafka_outq_len(handle_.get()));
    stopping_.store(true, std::memory_order_release);
    poller_ = {}; // joins
}

void Producer::on_delivery(rd_kafka_t*, rd_kafka_message_t const* message, void* opaque)
{
    // The callback travelled in the message's opaque; it is ours again now.
    std::unique_ptr<OnReport> const on_report{static_cast<OnReport*>(message->_private)};
    auto const report = report_of(message);
    auto& self = *static_cast<Producer*>(opaque);
    (report.outcome == Delivery::delivered ? self.delivered_ : self.not_delivered_)
        .fetch_add(1, std::memory_order_relaxed);
    if (on_report && *on_report)
        (*on_report)(report);
}

ProducerStats Producer::stats() const
{
    return {delivered_.load(std::memory_order_relaxed),
            not_delivered_.load(std::memory_order_relaxed),
            static_cast<std::size_t>(std::max(0, rd_kafka_outq_len(handle_.get())))};
}

void Producer::produce(Message const& message, OnReport on_report)
{
    auto callback = std::make_unique<OnReport>(std::move(on_report));
    HeadersPtr headers{rd_kafka_headers_new(message.headers.size())};
    for (auto const& [name, value] : message.headers)
        rd_kafka_header_add(headers.get(), name.data(), static_cast<ssize_t>(name.size()),
                            value.data(), static_cast<ssize_t>(value.size()));
    for (;;) {
        auto const err = rd_kafka_producev(
            handle_.get(), RD_KAFKA_V_TOPIC(message.topic.c_str()),
            RD_KAFKA_V_KEY(message.key.data(), message.key.size()),
            RD_KAFKA_V_VALUE(const_cast<char*>(message.value.data()), message.value.size()),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers.get()),
            RD_KAFKA_V_OPAQUE(callback.get()), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            headers.release();  // librdkafka owns them now
            callback.release(); // comes back in on_delivery
            return;
        }
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(handle_.get(), 10); // let deliveries make room
            continue;
        }
        DeliveryReport report;
        report.outcome = Delivery::failed;
        report.error = rd_kafka_err2str(err);
        if (*callback)
            (*callback)(report);
        return;
    }
}

std::vector<DeliveryReport> Producer::produce_and_wait(std::span<Message const> messages)
{
    auto batch = std::make_shared<Batch>();
    batch->reports.resize(messages.size());
    batch->pending = messages.size();
    for (std::size_t i = 0; i < messages.size(); ++i)
        produce(messages[i], [batch, i](DeliveryReport const& report) { batch->fill(i, report); });
    std::unique_lock lock{batch->mutex};
    // librdkafka reports every message by message.timeout.ms at the latest.
    batch->done.wait(lock, [&] { return batch->pending == 0; });
    return batch->reports;
}

bool Producer::flush(std::chrono::milliseconds timeout)
{
    return rd_kafka_flush(handle_.get(), static_cast<int>(timeout.count())) ==
           RD_KAFKA_RESP_ERR_NO_ERROR;
}

bool Producer::reachable(std::chrono::milliseconds timeout)
{
    rd_kafka_metadata_t const* raw = nullptr;
    auto const err =
        rd_kafka_metadata(handle_.get(), 0, nullptr, &raw, static_cast<int>(timeout.count()));
    std::unique_ptr<rd_kafka_metadata_t const, decltype(&rd_kafka_metadata_destroy)> const metadata{
        raw, &rd_kafka_metadata_destroy};
    return err == RD_KAFKA_RESP_ERR_NO_ERROR;
}

} // namespace shop::kafka
