#pragma once
// Kafka settings from the environment (seed 002's names), tuned for low latency.
#include <shop/config/env.hpp>

#include <chrono>
#include <string>

namespace shop::kafka {

struct Config {
    std::string brokers = "localhost:9094"; // KAFKA_BROKER, a comma list
    std::string client_id;                  // KAFKA_CLIENT_ID, default: the service
    std::string group_id;                   // KAFKA_CONSUMER_GROUP, default: <service>-group
    // Longest a fetch waits for data. Real Kafka answers as soon as data arrives; the dev
    // broker only after this wait, so it bounds event latency there.
    std::chrono::milliseconds fetch_wait{10};
    std::chrono::milliseconds delivery_timeout{10'000}; // a produce is "unknown" after this
    std::chrono::milliseconds session_timeout{6'000};   // consumer-group liveness
    int max_attempts = 5; // a message failing this often with an unexpected error is dead-lettered

    // Throws config::Error naming the first bad variable.
    static Config from_env(config::Env const& env, std::string const& service);
};

} // namespace shop::kafka
