#include "mock_cluster.hpp"

#include <shop/log/log.hpp>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <array>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace shop::dev_broker {
namespace {

constexpr std::int32_t kAllBrokers = -1;

// librdkafka's syslog levels onto ours; its threads call this.
void forward_log(rd_kafka_t const*, int level, char const* facility, char const* message)
{
    // The hosting client has no brokers by design; its warning about that is noise.
    if (std::string_view{facility} == "CONFWARN" &&
        std::string_view{message}.find("bootstrap.servers") != std::string_view::npos)
        return;
    auto const ours = level <= 3   ? log::Level::error
                      : level == 4 ? log::Level::warn
                      : level <= 6 ? log::Level::info
                                   : log::Level::debug;
    log::Line(ours).field("facility", facility).emit(message);
}

struct ConfDeleter {
    void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};

} // namespace

void MockCluster::ClientDeleter::operator()(rd_kafka_s* client) const noexcept
{
    rd_kafka_destroy(client);
}

void MockCluster::ClusterDeleter::operator()(rd_kafka_mock_cluster_s* cluster) const noexcept
{
    rd_kafka_mock_cluster_destroy(cluster);
}

MockCluster::MockCluster(int broker_count, bool trace)
{
    std::unique_ptr<rd_kafka_conf_t, ConfDeleter> conf{rd_kafka_conf_new()};
    rd_kafka_conf_set_log_cb(conf.get(), forward_log);
    std::array<char, 512> error{};
    if (trace && rd_kafka_conf_set(conf.get(), "debug", "mock", error.data(), error.size()) !=
                     RD_KAFKA_CONF_OK)
        throw std::runtime_error{std::string{"librdkafka debug=mock: "} + error.data()};
    // The client only hosts the cluster; it never connects anywhere.
    client_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error.data(), error.size()));
    if (!client_)
        throw std::runtime_error{std::string{"librdkafka client: "} + error.data()};
    conf.release(); // rd_kafka_new took it

    cluster_.reset(rd_kafka_mock_cluster_new(client_.get(), broker_count));
    if (!cluster_)
        throw std::runtime_error{"librdkafka mock cluster could not be created"};
}

MockCluster::~MockCluster() = default;

std::string MockCluster::bootstraps() const
{
    return rd_kafka_mock_cluster_bootstraps(cluster_.get());
}

// librdkafka 2.0.2's mock thread serves its op queue, then drains its wake-up pipe: an op
// queued in between (the next call right after an answer) loses its wake-up and waits for the
// thread's 1 s poll timeout. Measured: 14 topics took 3-5 s back to back, ~0 ms a millisecond
// apart.
void MockCluster::call(std::string_view what, std::function<int()> const& op)
{
    constexpr auto kGap = std::chrono::milliseconds{1};
    std::this_thread::sleep_until(last_answer_ + kGap);
    auto const err = static_cast<rd_kafka_resp_err_t>(op());
    last_answer_ = std::chrono::steady_clock::now();
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error{std::string{what} + ": " + rd_kafka_err2str(err)};
}

void MockCluster::create_topic(std::string const& name, int partitions)
{
    call("creating topic " + name,
         [&] { return rd_kafka_mock_topic_create(cluster_.get(), name.c_str(), partitions, 1); });
}

void MockCluster::set_down()
{
    call("broker down", [&] { return rd_kafka_mock_broker_set_down(cluster_.get(), kAllBrokers); });
}

void MockCluster::set_up()
{
    call("broker up", [&] { return rd_kafka_mock_broker_set_up(cluster_.get(), kAllBrokers); });
}

} // namespace shop::dev_broker
