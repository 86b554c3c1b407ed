#include "dev_broker.hpp"

#include <csignal>

namespace shop::test {

DevBroker::DevBroker() : process_{SHOP_KAFKA_DEV_BROKER, {{"KAFKA_DEV_BROKER_PORT", "0"}}} {}

std::string DevBroker::address() const
{
    return "127.0.0.1:" + std::to_string(process_.port());
}

void DevBroker::down()
{
    process_.process().signal(SIGUSR1);
}

void DevBroker::up()
{
    process_.process().signal(SIGUSR2);
}

} // namespace shop::test
