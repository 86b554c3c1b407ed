// kafka-dev-broker: a Kafka-protocol broker for local runs and tests on librdkafka's mock
// cluster, at a fixed port (9094), with the project's topics; runs until SIGTERM.
#include "broker_config.hpp"
#include "control_server.hpp"
#include "dev_broker.hpp"
#include "spawn.hpp"

#include <shop/app/app.hpp>
#include <shop/log/log.hpp>
#include <shop/net/asio.hpp>

#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string_view>

namespace {

using namespace shop;
using namespace shop::dev_broker;

// SIGUSR1/SIGUSR2 switch the broker down/up; SIGTERM/SIGINT stop serving, so run() returns.
awaitable<void> handle_signals(net::signal_set& signals, DevBroker& broker,
                               std::optional<ControlServer>& control)
{
    for (;;) {
        auto const [error, signal] = co_await signals.async_wait(as_result);
        if (error)
            co_return;
        if (signal == SIGUSR1 || signal == SIGUSR2) {
            auto const by = signal == SIGUSR1 ? "SIGUSR1" : "SIGUSR2";
            try {
                signal == SIGUSR1 ? broker.down(by) : broker.up(by);
            } catch (std::exception const& e) {
                log::error("{} failed: {}", by, e.what()); // keep serving signals, SIGTERM too
            }
        } else {
            log::info("received {}, stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
            broker.close();
            if (control)
                control->close();
            co_return;
        }
    }
}

int serve()
{
    auto const started = std::chrono::steady_clock::now();
    auto const env = config::Env::from_process();
    auto const config = BrokerConfig::from_env(env);
    log::init("kafka-dev-broker", config.log_level);

    net::io_context io{1};
    net::signal_set signals{io, SIGINT, SIGTERM, SIGUSR1};
    signals.add(SIGUSR2); // the constructor takes at most three
    DevBroker broker{io, config};
    std::optional<ControlServer> control;
    if (config.control_port)
        control.emplace(io, tcp::endpoint{net::ip::address_v4::loopback(), *config.control_port},
                        [&broker](std::string_view line) { return broker.command(line); });
    spawn(io.get_executor(), handle_signals(signals, broker, control), "signal handling");

    log::Line line{log::Level::info};
    line.field("host", config.host).field("port", broker.port());
    if (control)
        line.field("controlPort", control->port());
    line.field("mock", broker.mock_address())
        .field("topics", config.topics.size())
        .field("partitions", config.partitions)
        .field("startupMs",
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                   .count())
        .emit("kafka-dev-broker listening");

    io.run();
    log::info("kafka-dev-broker stopped");
    log::flush();
    return 0;
}

} // namespace

int main(int argc, char* argv[])
{
    if (argc > 1) {
        std::string_view const arg{argv[1]};
        bool const help = arg == "--help" || arg == "-h";
        auto const text = usage();
        std::fwrite(text.data(), 1, text.size(), help ? stdout : stderr);
        return help ? 0 : 2;
    }
    return shop::run_main("kafka-dev-broker", serve);
}
