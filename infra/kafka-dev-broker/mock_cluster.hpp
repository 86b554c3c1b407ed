#pragma once
// librdkafka's mock cluster: in-process Kafka brokers on ephemeral loopback ports that speak
// the real wire protocol. Its data lives in this process; outages are its broker down/up.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace shop::dev_broker {

class MockCluster {
public:
    // `trace` adds librdkafka's mock debug lines (connections, requests) to the log. Throws
    // std::runtime_error when librdkafka cannot create the client or the cluster.
    MockCluster(int broker_count, bool trace);
    ~MockCluster();
    MockCluster(MockCluster const&) = delete;
    MockCluster& operator=(MockCluster const&) = delete;

    // "host:port,..." of the brokers' own listeners, as metadata advertises them.
    std::string bootstraps() const;
    void create_topic(std::string const& name, int partitions);
    // Every broker at once: down closes their connections and refuses new ones.
    void set_down();
    void set_up();

private:
    // One call into the mock thread (an rd_kafka_resp_err_t back), a little apart from the
    // previous one (see the .cpp); throws on an error.
    void call(std::string_view what, std::function<int()> const& op);

    struct ClientDeleter {
        void operator()(rd_kafka_s* client) const noexcept;
    };
    struct ClusterDeleter {
        void operator()(rd_kafka_mock_cluster_s* cluster) const noexcept;
    };

    std::unique_ptr<rd_kafka_s, ClientDeleter> client_; // the cluster's book-keeping handle
    std::unique_ptr<rd_kafka_mock_cluster_s, ClusterDeleter> cluster_; // destroyed first
    std::chrono::steady_clock::time_point last_answer_{};
};

} // namespace shop::dev_broker
