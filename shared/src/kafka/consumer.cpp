#include <shop/events/envelope.hpp>
#include <shop/events/events.hpp>
#include <shop/kafka/consumer.hpp>
#include <shop/log/log.hpp>

#include <algorithm>
#include <span>

namespace shop::kafka {
namespace {

Record record_of(rd_kafka_message_t const* message)
{
    Record r;
    r.topic = rd_kafka_topic_name(message->rkt);
    r.partition = message->partition;
    r.offset = message->offset;
    if (message->key)
        r.key.assign(static_cast<char const*>(message->key), message->key_len);
    if (message->payload)
        r.value.assign(static_cast<char const*>(message->payload), message->len);
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        char const* name = nullptr;
        void const* value = nullptr;
        std::size_t size = 0;
        for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                                RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i)
            r.headers.emplace_back(name, value ? std::string{static_cast<char const*>(value), size}
                                               : std::string{});
    }
    return r;
}

} // namespace

std::optional<std::string_view> Record::header(std::string_view name) const
{
    for (auto const& [key, value] : headers)
        if (key == name)
            return value;
    return std::nullopt;
}

Consumer::Consumer(Config const& config, Producer& dead_letters)
    : config_{config}, dead_letters_{dead_letters}
{
    ConfPtr conf{rd_kafka_conf_new()};
    set(conf.get(), "bootstrap.servers", config_.brokers);
    set(conf.get(), "client.id", config_.client_id);
    set(conf.get(), "group.id", config_.group_id);
    set(conf.get(), "enable.auto.offset.store", "false"); // stored only after the effect
    set(conf.get(), "enable.auto.commit", "true");        // stored offsets, in the background
    set(conf.get(), "auto.commit.interval.ms", "1000");
    set(conf.get(), "auto.offset.reset", "earliest");
    set(conf.get(), "fetch.wait.max.ms", std::to_string(config_.fetch_wait.count()));
    set(conf.get(), "session.timeout.ms", std::to_string(config_.session_timeout.count()));
    set(conf.get(), "heartbeat.interval.ms",
        std::to_string(std::max<std::int64_t>(100, config_.session_timeout.count() / 12)));
    set(conf.get(), "socket.nagle.disable", "true");
    handle_ = create(RD_KAFKA_CONSUMER, std::move(conf));
    rd_kafka_poll_set_consumer(handle_.get());
}

Consumer::~Consumer()
{
    stop();
}

void Consumer::on(std::string topic, Handler handler)
{
    handlers_[std::move(topic)] = std::move(handler);
}

void Consumer::set_backoff(std::chrono::milliseconds first, std::chrono::milliseconds max)
{
    backoff_first_ = first;
    backoff_max_ = max;
}

void Consumer::set_transient(std::function<bool(std::exception const&)> is_transient)
{
    is_transient_ = std::move(is_transient);
}

void Consumer::start()
{
    TopicListPtr topics{rd_kafka_topic_partition_list_new(static_cast<int>(handlers_.size()))};
    for (auto const& [topic, handler] : handlers_)
        rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (auto const err = rd_kafka_subscribe(handle_.get(), topics.get()))
        throw std::runtime_error{std::string{"kafka subscribe: "} + rd_kafka_err2str(err)};
    worker_ = std::jthread{[this] { run(); }};
}

void Consumer::stop()
{
    if (stopping_.exchange(true))
        return;
    {
        std::lock_guard lock{pause_mutex_};
        pause_wake_.notify_all();
    }
    worker_ = {}; // joins: the message in hand finishes first
    if (handle_) {
        rd_kafka_commit(handle_.get(), nullptr, 0); // what was stored, synchronously
        rd_kafka_consumer_close(handle_.get());
    }
}

bool Consumer::pause(std::chrono::milliseconds duration)
{
    std::unique_lock lock{pause_mutex_};
    return !pause_wake_.wait_for(lock, duration, [this] { return stopping_.load(); });
}

void Consumer::run()
{
    while (!stopping_.load(std::memory_order_acquire)) {
        MessagePtr message{rd_kafka_consumer_poll(handle_.get(), 200)};
        if (!message)
            continue;
        if (message->err) {
            if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                log::warn("kafka consumer: {}", rd_kafka_message_errstr(message.get()));
            continue;
        }
        auto const record = record_of(message.get());
        if (!handle(record))
            break; // stopped mid-retry: the offset stays, the message comes again
        consumed_.fetch_add(1, std::memory_order_relaxed);
        // The next offset to read, stored only now that the effect is committed.
        TopicListPtr next{rd_kafka_topic_partition_list_new(1)};
        rd_kafka_topic_partition_list_add(next.get(), record.topic.c_str(), record.partition)
            ->offset = record.offset + 1;
        if (auto const err = rd_kafka_offsets_store(handle_.get(), next.get()))
            log::warn("kafka offset store on {}[{}]: {} (the message may come again)", record.topic,
                      record.partition, rd_kafka_err2str(err));
    }
}

bool Consumer::handle(Record const& record)
{
    auto const handler = handlers_.find(record.topic);
    if (handler == handlers_.end())
        return true;
    auto backoff = backoff_first_;
    auto const wait = [&] {
        bool const awake = pause(backoff);
        backoff = std::min(backoff * 2, backoff_max_);
        return awake;
    };
    for (int attempt = 1;; ++attempt) {
        std::string error;
        bool poison = false;
        bool transient = false;
        try {
            handler->second(record);
            return true;
        } catch (events::InvalidEvent const& e) {
            error = e.what();
            poison = true;
        } catch (TransientError const& e) {
            error = e.what();
            transient = true;
        } catch (std::exception const& e) {
            error = e.what();
            transient = is_transient_ && is_transient_(e);
        }
        if (poison || (!transient && attempt >= config_.max_attempts)) {
            while (!dead_letter(record, error, attempt))
                if (!wait())
                    return false;
            return true;
        }
        log::Line{log::Level::warn}
            .field("topic", record.topic)
            .field("partition", record.partition)
            .field("offset", record.offset)
            .field("attempt", attempt)
            .field("err", error)
            .emit("event handling failed, retrying");
        if (!wait())
            return false;
    }
}

bool Consumer::dead_letter(Record const& record, std::string_view error, int attempts)
{
    Message letter{events::dead_letter_topic(record.topic), record.key, record.value,
                   record.headers};
    letter.headers.emplace_back(dlq_header::kError, std::string{error});
    letter.headers.emplace_back(dlq_header::kAttempts, std::to_string(attempts));
    letter.headers.emplace_back(dlq_header::kTopic, record.topic);
    letter.headers.emplace_back(dlq_header::kPartition, std::to_string(record.partition));
    letter.headers.emplace_back(dlq_header::kOffset, std::to_string(record.offset));
    auto const report = dead_letters_.produce_and_wait(std::span{&letter, 1}).front();
    log::Line{report.outcome == Delivery::delivered ? log::Level::error : log::Level::warn}
        .field("topic", record.topic)
        .field("partition", record.partition)
        .field("offset", record.offset)
        .field("attempts", attempts)
        .field("err", std::string{error})
        .emit(report.outcome == Delivery::delivered ? "event dead-lettered"
                                                    : "dead-lettering failed, retrying");
    if (report.outcome != Delivery::delivered)
        return false;
    dead_lettered_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

ConsumerStats Consumer::stats() const
{
    ConsumerStats s;
    s.consumed = consumed_.load(std::memory_order_relaxed);
    s.dead_lettered = dead_lettered_.load(std::memory_order_relaxed);
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(handle_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR || raw == nullptr)
        return s;
    TopicListPtr const assignment{raw};
    s.assigned_partitions = static_cast<std::size_t>(raw->cnt);
    rd_kafka_position(handle_.get(), raw); // the offset after the last message handed out
    for (auto const& p : std::span{raw->elems, static_cast<std::size_t>(raw->cnt)}) {
        std::int64_t low = 0;
        std::int64_t high = 0;
        if (p.offset >= 0 &&
            rd_kafka_get_watermark_offsets(handle_.get(), p.topic, p.partition, &low, &high) == 0 &&
            high > p.offset)
            s.lag += high - p.offset;
    }
    return s;
}

} // namespace shop::kafka
