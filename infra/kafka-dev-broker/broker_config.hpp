#pragma once
// What the dev broker reads from its environment.
#include <shop/config/env.hpp>
#include <shop/log/log.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::dev_broker {

// The topics of DESIGN §5 and a dead-letter topic for each.
std::vector<std::string> default_topics();

struct BrokerConfig {
    std::string host = "127.0.0.1";            // KAFKA_DEV_BROKER_HOST
    std::uint16_t port = 9094;                 // KAFKA_DEV_BROKER_PORT, 0: any free port
    std::optional<std::uint16_t> control_port; // KAFKA_DEV_BROKER_CONTROL_PORT, 0: any free port
    std::vector<std::string> topics = default_topics(); // KAFKA_DEV_BROKER_TOPICS, comma list
    int partitions = 3;                                 // KAFKA_DEV_BROKER_PARTITIONS
    log::Level log_level = log::Level::info;            // LOG_LEVEL

    // Throws config::Error naming the first bad variable.
    static BrokerConfig from_env(config::Env const& env);
};

// The --help text: configuration, control and what clients should know about the mock.
std::string_view usage();

} // namespace shop::dev_broker
