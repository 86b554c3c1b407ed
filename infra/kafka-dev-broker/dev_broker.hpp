#pragma once
// The dev broker: a one-broker mock cluster with the configured topics, reachable at a fixed
// port through the forwarder, and its outage switch.
#include "broker_config.hpp"
#include "forwarder.hpp"
#include "mock_cluster.hpp"

#include <shop/net/asio.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace shop::dev_broker {

class DevBroker {
public:
    // Creates the cluster and its topics and binds the Kafka port; throws on failure.
    DevBroker(net::io_context& io, BrokerConfig const& config);

    std::uint16_t port() const noexcept { return forwarder_.port(); }
    // The mock broker's own address, which metadata advertises.
    std::string const& mock_address() const noexcept { return mock_address_; }
    bool is_up() const noexcept { return up_; }

    // An outage: every connection is cut, new ones are refused; the data stays. `by` names
    // the cause in the log. Both are idempotent.
    void down(std::string_view by);
    void up(std::string_view by);

    // One control line: "down", "up" -> "ok"; "status" -> "up" or "down"; else "error: ...".
    std::string command(std::string_view line);

    // Stops serving clients, for exit.
    void close();

private:
    MockCluster cluster_;
    std::string mock_address_;
    Forwarder forwarder_;
    bool up_ = true;
};

} // namespace shop::dev_broker
