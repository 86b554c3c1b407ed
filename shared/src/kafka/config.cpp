#include <shop/kafka/config.hpp>

namespace shop::kafka {

Config Config::from_env(config::Env const& env, std::string const& service)
{
    using std::chrono::milliseconds;
    Config c;
    c.brokers = env.string("KAFKA_BROKER", "localhost:9094");
    c.client_id = env.string("KAFKA_CLIENT_ID", service);
    c.group_id = env.string("KAFKA_CONSUMER_GROUP", service + "-group");
    c.fetch_wait = env.millis("KAFKA_FETCH_WAIT_MS", milliseconds{10});
    c.delivery_timeout = env.millis("KAFKA_DELIVERY_TIMEOUT_MS", milliseconds{10'000});
    c.session_timeout = env.millis("KAFKA_SESSION_TIMEOUT_MS", milliseconds{6'000});
    c.max_attempts = static_cast<int>(env.integer("KAFKA_MAX_ATTEMPTS", 5, 1, 1000));
    if (c.delivery_timeout < milliseconds{100})
        throw config::Error{"KAFKA_DELIVERY_TIMEOUT_MS=\"" +
                            env.raw("KAFKA_DELIVERY_TIMEOUT_MS").value_or("") +
                            "\": expected at least 100 ms"};
    if (c.session_timeout < milliseconds{1'000})
        throw config::Error{"KAFKA_SESSION_TIMEOUT_MS=\"" +
                            env.raw("KAFKA_SESSION_TIMEOUT_MS").value_or("") +
                            "\": expected at least 1000 ms"};
    return c;
}

} // namespace shop::kafka
