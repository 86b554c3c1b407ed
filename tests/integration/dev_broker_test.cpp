// The Kafka dev broker, driven by kcat as a user would: topics, produce and consume, outages
// through signals and the control port, shutdown.
#include "http_client.hpp"
#include "service.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <sys/socket.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>
#include <vector>

using namespace shop::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::vector<std::string> const kDesignTopics = {
    "user.created",          "user.updated",       "user.deleted",      "order.created",
    "order.cancelled",       "payment.completed",  "payment.failed",    "user.created.dlq",
    "user.updated.dlq",      "user.deleted.dlq",   "order.created.dlq", "order.cancelled.dlq",
    "payment.completed.dlq", "payment.failed.dlq",
};

// A file under the temporary directory, removed when the object goes away.
class TempFile {
public:
    explicit TempFile(std::string const& contents = {})
    {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "shop-broker-test-XXXXXX").string();
        int const fd = ::mkstemp(pattern.data());
        if (fd < 0)
            throw std::system_error{errno, std::generic_category(), "mkstemp"};
        ::close(fd);
        path_ = pattern;
        std::ofstream{path_} << contents;
    }
    ~TempFile()
    {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    TempFile(TempFile const&) = delete;
    TempFile& operator=(TempFile const&) = delete;

    std::string path() const { return path_.string(); }
    std::string read() const
    {
        std::ifstream in{path_};
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

private:
    std::filesystem::path path_;
};

struct Ran {
    int exit_code = -1;
    std::string out;
    std::string err;
    std::chrono::milliseconds took{};
};

// Runs a shell command with `input` on its stdin, bounded by timeout(1).
Ran run(std::string const& command_line, std::string const& input = {})
{
    TempFile const in{input};
    TempFile const err;
    std::string const command =
        "timeout 20 " + command_line + " < " + in.path() + " 2> " + err.path();
    auto const started = std::chrono::steady_clock::now();
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        throw std::system_error{errno, std::generic_category(), "popen"};
    Ran ran;
    char chunk[4096];
    while (auto const n = std::fread(chunk, 1, sizeof chunk, pipe))
        ran.out.append(chunk, n);
    int const status = ::pclose(pipe);
    ran.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ran.err = err.read();
    return ran;
}

// Topic name -> partition count, from kcat -L -J.
std::map<std::string, std::size_t> partitions_by_topic(std::string const& metadata)
{
    auto const parsed = json::parse(metadata);
    std::map<std::string, std::size_t> partitions;
    for (auto const& topic : parsed.at("topics"))
        partitions[topic.at("topic").get<std::string>()] = topic.at("partitions").size();
    return partitions;
}

// kcat with `args` (shell words).
Ran kcat(std::string const& args, std::string const& input = {})
{
    if (std::string_view{SHOP_KCAT}.ends_with("NOTFOUND"))
        throw std::runtime_error{"kcat was not found at configure time (apt install kcat)"};
    return run(std::string{SHOP_KCAT} + " " + args, input);
}

std::vector<std::string> sorted_lines(std::string const& text)
{
    std::vector<std::string> lines;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    std::ranges::sort(lines);
    return lines;
}

// A socket file descriptor, closed when the object goes away.
class Socket {
public:
    explicit Socket(std::uint16_t port) : fd_{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)}
    {
        if (fd_ < 0)
            throw std::system_error{errno, std::generic_category(), "socket"};
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            int const error = errno;
            ::close(fd_);
            throw std::system_error{error, std::generic_category(), "connect"};
        }
    }
    ~Socket() { ::close(fd_); }
    Socket(Socket const&) = delete;
    Socket& operator=(Socket const&) = delete;

    int fd() const noexcept { return fd_; }

private:
    int fd_;
};

// One command on the control port; its answer line without the newline ("" on timeout).
std::string control(std::uint16_t port, std::string const& command)
{
    Socket const socket{port};
    std::string const line = command + "\n";
    if (::send(socket.fd(), line.data(), line.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(line.size()))
        return {};
    std::string answer;
    auto const deadline = std::chrono::steady_clock::now() + 5s;
    while (answer.find('\n') == std::string::npos) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd ready{socket.fd(), POLLIN, 0};
        if (left <= 0ms || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0)
            return {};
        char chunk[256];
        auto const n = ::recv(socket.fd(), chunk, sizeof chunk, 0);
        if (n <= 0)
            return {};
        answer.append(chunk, static_cast<std::size_t>(n));
    }
    return answer.substr(0, answer.find('\n'));
}

// The broker on free ports (Kafka and control), killed when the test ends however it ends.
class Broker {
public:
    explicit Broker(EnvVars env = {}) : service_{SHOP_KAFKA_DEV_BROKER, with_ports(std::move(env))}
    {
        auto const line = service_.process().wait_for_line("listening\"", 0ms);
        auto const fields = json::parse(line.value());
        control_port_ = fields.at("controlPort").get<std::uint16_t>();
        auto const mock = fields.at("mock").get<std::string>();
        mock_port_ = static_cast<std::uint16_t>(std::stoi(mock.substr(mock.rfind(':') + 1)));
    }

    std::uint16_t port() const noexcept { return service_.port(); }
    std::uint16_t control_port() const noexcept { return control_port_; }
    std::uint16_t mock_port() const noexcept { return mock_port_; }
    ChildProcess& process() noexcept { return service_.process(); }
    std::string bootstrap() const { return "-b 127.0.0.1:" + std::to_string(port()); }

private:
    static EnvVars with_ports(EnvVars env)
    {
        EnvVars all{{"KAFKA_DEV_BROKER_PORT", "0"}, {"KAFKA_DEV_BROKER_CONTROL_PORT", "0"}};
        all.insert(all.end(), env.begin(), env.end());
        return all;
    }

    RunningService service_;
    std::uint16_t control_port_ = 0;
    std::uint16_t mock_port_ = 0;
};

// Keyed lines for kcat -K: and what a consumer prints for them with -f '%k=%s\n'.
std::string const kKeyed = "user-1:created\nuser-2:created\nuser-1:updated\n";
std::vector<std::string> const kConsumed = {"user-1=created", "user-1=updated", "user-2=created"};

Ran produce(Broker const& broker, std::string const& topic, std::string const& lines,
            std::string const& extra = {})
{
    return kcat("-P " + broker.bootstrap() + " -t " + topic + " -K: " + extra, lines);
}

// Everything in the topic, from the beginning; kcat exits at the end of every partition.
Ran consume_all(Broker const& broker, std::string const& topic, std::string const& format)
{
    return kcat("-C " + broker.bootstrap() + " -t " + topic +
                " -o beginning -e -q -X fetch.wait.max.ms=100 -f '" + format + "'");
}

} // namespace

TEST_CASE("the dev broker lists every design topic with three partitions", "[broker]")
{
    Broker const broker;
    auto const listed = kcat("-L -J " + broker.bootstrap());
    INFO(listed.err);
    REQUIRE(listed.exit_code == 0);

    auto const partitions = partitions_by_topic(listed.out);
    for (auto const& name : kDesignTopics) {
        INFO(name);
        auto const found = partitions.find(name);
        CHECK((found == partitions.end() ? 0 : found->second) == 3); // 0: not listed
    }
    CHECK(partitions.size() == kDesignTopics.size());
}

TEST_CASE("configured topics and partitions replace the defaults", "[broker]")
{
    Broker const broker{
        {{"KAFKA_DEV_BROKER_TOPICS", "audit, audit.dlq"}, {"KAFKA_DEV_BROKER_PARTITIONS", "2"}}};
    auto const listed = kcat("-L -J " + broker.bootstrap());
    INFO(listed.err);
    REQUIRE(listed.exit_code == 0);
    auto const partitions = partitions_by_topic(listed.out);
    CHECK(partitions == std::map<std::string, std::size_t>{{"audit", 2}, {"audit.dlq", 2}});
}

TEST_CASE("keyed messages produced with kcat are consumed back from the beginning", "[broker]")
{
    Broker const broker;
    auto const produced = produce(broker, "user.created", kKeyed);
    INFO(produced.err);
    REQUIRE(produced.exit_code == 0);

    auto const consumed = consume_all(broker, "user.created", "%k=%s\\n");
    INFO(consumed.err);
    REQUIRE(consumed.exit_code == 0);
    CHECK(sorted_lines(consumed.out) == kConsumed);

    // One key, one partition, in the order produced.
    auto const placed = consume_all(broker, "user.created", "%p %k=%s\\n");
    auto const lines = sorted_lines(placed.out);
    REQUIRE(lines.size() == 3);
    auto const partition_of = [&](std::string const& message) {
        auto const it = std::ranges::find_if(
            lines, [&](std::string const& line) { return line.ends_with(" " + message); });
        return it == lines.end() ? std::string{"?"} : it->substr(0, it->find(' '));
    };
    CHECK(partition_of("user-1=created") == partition_of("user-1=updated"));
    auto const first = placed.out.find("user-1=created");
    CHECK(first < placed.out.find("user-1=updated"));
}

TEST_CASE("a broker taken down by SIGUSR1 fails produces and keeps its data after SIGUSR2",
          "[broker]")
{
    Broker broker;
    REQUIRE(produce(broker, "order.created", kKeyed).exit_code == 0);

    broker.process().signal(SIGUSR1);
    REQUIRE(broker.process().wait_for_line("\"broker down\"", 5s));
    CHECK(refuses_connections(broker.port()));
    CHECK(refuses_connections(broker.mock_port()));
    auto const refused =
        produce(broker, "order.created", "user-3:created\n", "-m 2 -X message.timeout.ms=2000");
    INFO(refused.err);
    CHECK(refused.exit_code != 0);
    CHECK(refused.took < 5s);

    broker.process().signal(SIGUSR2);
    REQUIRE(broker.process().wait_for_line("\"broker up\"", 5s));
    auto const kept = consume_all(broker, "order.created", "%k=%s\\n");
    INFO(kept.err);
    CHECK(sorted_lines(kept.out) == kConsumed);

    REQUIRE(produce(broker, "order.created", "user-3:created\n").exit_code == 0);
    auto const all = consume_all(broker, "order.created", "%k=%s\\n");
    CHECK(sorted_lines(all.out).size() == 4);
    CHECK(all.out.find("user-3=created") != std::string::npos);
}

TEST_CASE("the control port switches the broker down and up and reports its state", "[broker]")
{
    Broker broker;
    REQUIRE(produce(broker, "payment.completed", kKeyed).exit_code == 0);
    CHECK(control(broker.control_port(), "status") == "up");

    // A connection made while up is cut when the broker goes down.
    Connection client{broker.port()};
    CHECK(control(broker.control_port(), "down") == "ok");
    CHECK(client.closed_by_peer(2s));
    CHECK(control(broker.control_port(), "down") == "ok"); // already down: nothing changes
    CHECK(control(broker.control_port(), "status") == "down");
    CHECK(refuses_connections(broker.port()));
    CHECK(refuses_connections(broker.mock_port()));
    CHECK(kcat("-L -m 2 " + broker.bootstrap()).exit_code != 0);

    CHECK(control(broker.control_port(), "up") == "ok");
    CHECK(control(broker.control_port(), "status") == "up");
    CHECK(kcat("-L -m 5 " + broker.bootstrap()).exit_code == 0);
    CHECK(sorted_lines(consume_all(broker, "payment.completed", "%k=%s\\n").out) == kConsumed);

    CHECK(control(broker.control_port(), "reboot").starts_with("error:"));
    CHECK(control(broker.control_port(), std::string(2000, 'x')) == "error: line too long");
    CHECK(control(broker.control_port(), "status") == "up");
}

TEST_CASE("SIGTERM and SIGINT stop the broker with exit code 0", "[broker]")
{
    for (int const signal : {SIGTERM, SIGINT}) {
        INFO(signal);
        Broker broker;
        Connection client{broker.port()}; // an open connection does not hold up the exit
        broker.process().signal(signal);
        CHECK(broker.process().wait_exit(5s) == 0);
        CHECK(broker.process().output().find("kafka-dev-broker stopped") != std::string::npos);
    }
}

TEST_CASE("the broker refuses to start on a bad variable or a taken port", "[broker]")
{
    {
        ChildProcess bad{SHOP_KAFKA_DEV_BROKER,
                         {{"ENV_FILE", "/dev/null"}, {"KAFKA_DEV_BROKER_PORT", "abc"}}};
        CHECK(bad.wait_exit(5s) == 1);
        CHECK(bad.output().find("KAFKA_DEV_BROKER_PORT=\\\"abc\\\"") != std::string::npos);
    }
    {
        ChildProcess bad{SHOP_KAFKA_DEV_BROKER,
                         {{"ENV_FILE", "/dev/null"}, {"KAFKA_DEV_BROKER_TOPICS", "ok,not ok"}}};
        CHECK(bad.wait_exit(5s) == 1);
        CHECK(bad.output().find("KAFKA_DEV_BROKER_TOPICS") != std::string::npos);
    }
    Broker const first;
    ChildProcess second{
        SHOP_KAFKA_DEV_BROKER,
        {{"ENV_FILE", "/dev/null"}, {"KAFKA_DEV_BROKER_PORT", std::to_string(first.port())}}};
    CHECK(second.wait_exit(5s) == 1);
    CHECK(second.output().find("cannot listen for Kafka clients") != std::string::npos);
}

TEST_CASE("the broker's help names its variables and what clients must set", "[broker]")
{
    auto const help = run(std::string{SHOP_KAFKA_DEV_BROKER} + " --help");
    CHECK(help.exit_code == 0);
    for (auto const* text : {"KAFKA_DEV_BROKER_PORT", "KAFKA_DEV_BROKER_CONTROL_PORT", "SIGUSR1",
                             "session.timeout.ms=6000", "fetch.wait.max.ms"})
        CHECK(help.out.find(text) != std::string::npos);
    CHECK(run(std::string{SHOP_KAFKA_DEV_BROKER} + " --bogus").exit_code == 2);
}
