#pragma once
// A Kafka dev broker of the test's own, on free loopback ports, stopped with the object.
#include "service.hpp"

#include <string>

namespace shop::test {

class DevBroker {
public:
    DevBroker();
    // host:port for KAFKA_BROKER / bootstrap.servers
    std::string address() const;
    // The broker goes down (connections cut, new ones refused) and comes back, data kept.
    void down();
    void up();

private:
    RunningService process_;
};

} // namespace shop::test
