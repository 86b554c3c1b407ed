#include "broker_config.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>

namespace shop::dev_broker {
namespace {

constexpr std::string_view kEvents[] = {
    "user.created",    "user.updated",      "user.deleted",   "order.created",
    "order.cancelled", "payment.completed", "payment.failed",
};

// Kafka's rule: 1 to 249 of letters, digits, '.', '_' and '-'.
bool valid_topic(std::string_view name)
{
    return !name.empty() && name.size() <= 249 && name != "." && name != ".." &&
           std::ranges::all_of(name, [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
           });
}

std::vector<std::string> parse_topics(std::string const& list)
{
    std::vector<std::string> topics;
    std::string_view rest = list;
    while (!rest.empty()) {
        auto const comma = rest.find(',');
        auto name = rest.substr(0, comma);
        while (!name.empty() && name.front() == ' ')
            name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ')
            name.remove_suffix(1);
        if (!valid_topic(name))
            throw config::Error{"KAFKA_DEV_BROKER_TOPICS=\"" + list +
                                "\": expected a comma list of topic names (letters, digits, "
                                "'.', '_', '-')"};
        if (std::ranges::find(topics, name) == topics.end())
            topics.emplace_back(name);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return topics;
}

} // namespace

std::vector<std::string> default_topics()
{
    std::vector<std::string> topics{std::begin(kEvents), std::end(kEvents)};
    for (auto const event : kEvents)
        topics.push_back(std::string{event} + ".dlq");
    return topics;
}

BrokerConfig BrokerConfig::from_env(config::Env const& env)
{
    BrokerConfig c;
    c.host = env.string("KAFKA_DEV_BROKER_HOST", c.host);
    boost::system::error_code ec;
    boost::asio::ip::make_address(c.host, ec);
    if (ec)
        throw config::Error{"KAFKA_DEV_BROKER_HOST=\"" + c.host +
                            "\": expected an IP address such as 127.0.0.1"};
    c.port = env.port("KAFKA_DEV_BROKER_PORT", c.port);
    if (env.raw("KAFKA_DEV_BROKER_CONTROL_PORT"))
        c.control_port = env.port("KAFKA_DEV_BROKER_CONTROL_PORT", 0);
    if (auto const list = env.raw("KAFKA_DEV_BROKER_TOPICS"))
        c.topics = parse_topics(*list);
    c.partitions = static_cast<int>(env.integer("KAFKA_DEV_BROKER_PARTITIONS", 3, 1, 1000));
    c.log_level = *log::parse_level(env.one_of(
        "LOG_LEVEL", "info", {"trace", "debug", "info", "warn", "error", "fatal", "silent"}));
    return c;
}

std::string_view usage()
{
    return R"(Usage: kafka-dev-broker [--help]

A Kafka-protocol broker for local runs and tests, built on librdkafka's mock cluster: Kafka
clients (kcat, librdkafka, the services) use it unchanged. It creates the configured topics
at start, keeps all data in memory, and runs until SIGTERM or SIGINT (exit code 0).
Production uses a real Kafka cluster with the same client code.

Environment (a .env file, or the one named by ENV_FILE, is read too):
  KAFKA_DEV_BROKER_HOST          address to listen on (default 127.0.0.1)
  KAFKA_DEV_BROKER_PORT          Kafka port (default 9094, the KAFKA_BROKER default; 0: any)
  KAFKA_DEV_BROKER_CONTROL_PORT  loopback control port (default: none; 0: any free port)
  KAFKA_DEV_BROKER_TOPICS        comma list of topics to create (default: the design's seven
                                 event topics and a <topic>.dlq for each)
  KAFKA_DEV_BROKER_PARTITIONS    partitions per topic (default 3)
  LOG_LEVEL                      info (default), trace adds the mock's own lines, ... silent
The "listening" log line carries the ports in use ("port", "controlPort", "mock").

Outages, for fault tests (the data survives them):
  SIGUSR1 takes the broker down, SIGUSR2 brings it back up.
  The control port takes lines "down" and "up" (answer "ok") and "status" (answer "up" or
  "down"). Down cuts every client connection and refuses new ones, as a stopped broker does.

What clients should know:
  - The fixed port only bootstraps: metadata points clients at the mock's own ephemeral
    loopback port, so use the broker from this machine.
  - An empty fetch is answered only after the consumer's full fetch.wait.max.ms: that bounds
    delivery latency here (real Kafka answers as soon as data arrives); set it to ~100.
  - Consumer groups rebalance only once every member rejoins within session.timeout.ms:
    set session.timeout.ms=6000 and heartbeat.interval.ms=500 (at the 45 s default a
    rebalance can stall for most of a minute). A first join takes about 3 s.
  - Topics not created at start are created on first use with 4 partitions.
)";
}

} // namespace shop::dev_broker
