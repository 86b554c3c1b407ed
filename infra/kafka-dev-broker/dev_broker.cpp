#include "dev_broker.hpp"

#include <shop/log/log.hpp>

#include <stdexcept>

namespace shop::dev_broker {
namespace {

// The first "host:port" of a bootstrap list, resolved.
tcp::endpoint resolve_first(net::io_context& io, std::string_view bootstraps)
{
    auto const first = bootstraps.substr(0, bootstraps.find(','));
    auto const colon = first.rfind(':');
    if (colon == std::string_view::npos)
        throw std::runtime_error{"unexpected mock cluster address: " + std::string{bootstraps}};
    tcp::resolver resolver{io};
    auto const results = resolver.resolve(first.substr(0, colon), first.substr(colon + 1),
                                          tcp::resolver::numeric_service);
    return results.begin()->endpoint();
}

} // namespace

DevBroker::DevBroker(net::io_context& io, BrokerConfig const& config)
    : cluster_{1, config.log_level <= log::Level::trace}, mock_address_{cluster_.bootstraps()},
      forwarder_{io, tcp::endpoint{net::ip::make_address(config.host), config.port},
                 resolve_first(io, mock_address_)}
{
    for (auto const& topic : config.topics)
        cluster_.create_topic(topic, config.partitions);
    forwarder_.open(); // clients come once the topics are there
}

void DevBroker::down(std::string_view by)
{
    if (!up_)
        return;
    forwarder_.close();
    cluster_.set_down();
    up_ = false;
    log::Line(log::Level::info).field("by", by).emit("broker down");
}

void DevBroker::up(std::string_view by)
{
    if (up_)
        return;
    forwarder_.open(); // first: when the port is gone, nothing has changed
    cluster_.set_up();
    up_ = true;
    log::Line(log::Level::info).field("by", by).emit("broker up");
}

std::string DevBroker::command(std::string_view line)
{
    try {
        if (line == "down") {
            down("control");
            return "ok";
        }
        if (line == "up") {
            up("control");
            return "ok";
        }
        if (line == "status")
            return up_ ? "up" : "down";
        return "error: unknown command (expected down, up or status)";
    } catch (std::exception const& e) {
        log::error("control command {} failed: {}", line, e.what());
        return std::string{"error: "} + e.what();
    }
}

void DevBroker::close()
{
    forwarder_.close();
}

} // namespace shop::dev_broker
