#include <shop/kafka/handle.hpp>

#include <array>
#include <stdexcept>

namespace shop::kafka {

void set(rd_kafka_conf_t* conf, std::string_view name, std::string const& value)
{
    std::array<char, 512> error{};
    std::string const key{name};
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error.data(), error.size()) !=
        RD_KAFKA_CONF_OK)
        throw std::runtime_error{"kafka setting " + key + ": " + error.data()};
}

HandlePtr create(rd_kafka_type_t type, ConfPtr conf)
{
    std::array<char, 512> error{};
    // On success librdkafka owns the configuration.
    HandlePtr handle{rd_kafka_new(type, conf.get(), error.data(), error.size())};
    if (!handle)
        throw std::runtime_error{std::string{"kafka client: "} + error.data()};
    conf.release();
    return handle;
}

} // namespace shop::kafka
