#pragma once
// RAII for librdkafka's C handles, and a checked way to fill a configuration.
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <string_view>

namespace shop::kafka {

struct ConfDeleter {
    void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
struct HandleDeleter {
    void operator()(rd_kafka_t* handle) const noexcept { rd_kafka_destroy(handle); }
};
struct MessageDeleter {
    void operator()(rd_kafka_message_t* message) const noexcept
    {
        rd_kafka_message_destroy(message);
    }
};
struct HeadersDeleter {
    void operator()(rd_kafka_headers_t* headers) const noexcept
    {
        rd_kafka_headers_destroy(headers);
    }
};
struct TopicListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const noexcept
    {
        rd_kafka_topic_partition_list_destroy(list);
    }
};

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;
using TopicListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, TopicListDeleter>;

// Sets a property; throws std::runtime_error naming it when librdkafka refuses.
void set(rd_kafka_conf_t* conf, std::string_view name, std::string const& value);

// Creates a producer or consumer; throws with librdkafka's reason on failure.
HandlePtr create(rd_kafka_type_t type, ConfPtr conf);

} // namespace shop::kafka
