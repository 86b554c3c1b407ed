// The four executables start on the chassis and serve health and metrics.
#include "http_client.hpp"
#include "postgres.hpp"
#include "service.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace shop::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct Checked {
    int exit_code;
    std::string output;
};

// Runs Debian's promtool on a metrics text, as a Prometheus operator would.
Checked promtool_check_metrics(std::string const& text)
{
    // A directory of its own: ctest runs the test cases of this file in parallel.
    TempDir const dir{"shop-metrics-check"};
    auto const path = dir.path() / "metrics.txt";
    std::ofstream{path} << text;
    std::string const command =
        std::string{SHOP_PROMTOOL} + " check metrics < " + path.string() + " 2>&1";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe);
    std::string output;
    char chunk[512];
    while (auto n = std::fread(chunk, 1, sizeof chunk, pipe))
        output.append(chunk, n);
    int const status = ::pclose(pipe);
    return {WEXITSTATUS(status), output};
}

struct Executable {
    char const* path;
    char const* database; // "" when it has none
};

Executable const kExecutables[] = {{SHOP_API_GATEWAY, ""},
                                   {SHOP_USER_SERVICE, "userdb"},
                                   {SHOP_ORDER_SERVICE, "orderdb"},
                                   {SHOP_PAYMENT_SERVICE, "paymentdb"}};

} // namespace

TEST_CASE("every service serves liveness, readiness and metrics, and stops cleanly", "[services]")
{
    TempPostgres postgres;
    RunningService broker{SHOP_KAFKA_DEV_BROKER, {{"KAFKA_DEV_BROKER_PORT", "0"}}};
    for (auto const& [executable, database] : kExecutables) {
        INFO(executable);
        EnvVars env{{"KAFKA_BROKER", "127.0.0.1:" + std::to_string(broker.port())}};
        if (*database)
            env.emplace_back("DATABASE_URL", postgres.create_database(database));
        RunningService service{executable, env};

        auto const live = request(service.port(), "GET", "/health/live");
        CHECK(live.status == 200);
        CHECK(json::parse(live.body) == json{{"status", "ok"},
                                             {"info", json::object()},
                                             {"error", json::object()},
                                             {"details", json::object()}});
        auto const ready = request(service.port(), "GET", "/health/ready");
        CHECK(ready.status == 200);
        CHECK(json::parse(ready.body)["status"] == "ok");

        // Metrics are recorded once a response is written: the scrape may come first.
        std::string const live_sample =
            R"(http_requests_total{method="GET",route="/health/live",status_code="200"} 1)";
        CHECK(eventually([&] {
            return request(service.port(), "GET", "/metrics").body.find(live_sample) !=
                   std::string::npos;
        }));
        auto const metrics = request(service.port(), "GET", "/metrics");
        CHECK(metrics.status == 200);
        CHECK(metrics.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
        for (auto const* name : {"process_resident_memory_bytes", "process_cpu_seconds_total",
                                 "process_start_time_seconds", "process_open_fds"})
            CHECK(metrics.body.find(std::string{"\n"} + name + " ") != std::string::npos);
        auto const checked = promtool_check_metrics(metrics.body);
        INFO(checked.output);
        CHECK(checked.exit_code == 0);

        service.process().signal(SIGTERM);
        CHECK(service.process().wait_exit(5s) == 0);
    }
}

TEST_CASE("promtool accepts a live /metrics", "[services][metrics]")
{
    RunningService service{SHOP_TEST_SERVER};
    request(service.port(), "GET", "/items/1");
    request(service.port(), "GET", "/nope");
    request(service.port(), "GET", "/boom");
    auto const text = request(service.port(), "GET", "/metrics").body;
    auto const checked = promtool_check_metrics(text);
    INFO(checked.output);
    CHECK(checked.exit_code == 0);
    CHECK(checked.output.empty());
}

TEST_CASE("request metrics are labelled by route template, never by raw path",
          "[services][metrics]")
{
    RunningService service{SHOP_TEST_SERVER};
    // A HEAD first: its series must not be reused for the GETs that follow.
    Connection head{service.port()};
    head.send("HEAD /items/raw-path-h HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(head.read_reply(5s, Connection::Body::none));
    for (int i = 0; i < 3; ++i)
        request(service.port(), "GET", "/items/raw-path-" + std::to_string(i));
    request(service.port(), "GET", "/unknown-raw-path");
    auto const metrics_have = [&](std::string const& sample) {
        return eventually([&] {
            return request(service.port(), "GET", "/metrics").body.find(sample) !=
                   std::string::npos;
        });
    };
    CHECK(metrics_have(
        R"(http_requests_total{method="GET",route="/items/:id",status_code="200"} 3)"));
    CHECK(
        metrics_have(R"(http_requests_total{method="GET",route="unmatched",status_code="404"} 1)"));
    CHECK(metrics_have(
        R"(http_request_duration_seconds_count{method="GET",route="/items/:id",status_code="200"} 3)"));
    CHECK(metrics_have(
        R"(http_requests_total{method="HEAD",route="/items/:id",status_code="200"} 1)"));
    CHECK(request(service.port(), "GET", "/metrics").body.find("raw-path") == std::string::npos);
}

TEST_CASE("a bad configuration value stops start-up with one line naming the variable",
          "[services][config]")
{
    for (auto const& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"PORT", "abc"}, {"BODY_LIMIT", "lots"}, {"LOG_LEVEL", "loud"}, {"HOST", "nowhere"}}) {
        INFO(name << "=" << value);
        ChildProcess process{SHOP_USER_SERVICE, {{"ENV_FILE", "/dev/null"}, {name, value}}};
        CHECK(process.wait_exit(5s) == 1);
        auto const output = process.output();
        CHECK(std::count(output.begin(), output.end(), '\n') == 1);
        auto const line = json::parse(output.substr(0, output.find('\n')));
        CHECK(line["level"] == 60);
        CHECK(line["msg"].get<std::string>().find(name) != std::string::npos);
    }
}

TEST_CASE("a port already in use stops start-up with a clear line", "[services][config]")
{
    RunningService first{SHOP_API_GATEWAY};
    ChildProcess second{
        SHOP_API_GATEWAY,
        {{"ENV_FILE", "/dev/null"}, {"HOST", "127.0.0.1"}, {"PORT", std::to_string(first.port())}}};
    CHECK(second.wait_exit(5s) == 1);
    CHECK(second.output().find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) !=
          std::string::npos);
}

TEST_CASE("a .env file is read, and the environment wins over it", "[services][config]")
{
    auto const path = std::filesystem::temp_directory_path() / "shop-test.env";
    std::ofstream{path} << "# local settings\nBODY_LIMIT=100\nAPP_ENV=production\n";
    RunningService service{SHOP_TEST_SERVER, {{"ENV_FILE", path.string()}, {"APP_ENV", "test"}}};
    // BODY_LIMIT=100 came from the file.
    CHECK(request(service.port(), "POST", "/echo", std::string(200, ' ')).status == 413);
    CHECK(request(service.port(), "POST", "/echo", "{}").status == 200);
    // APP_ENV from the environment beats the file's "production".
    auto const listening = service.process().wait_for_line("listening", 1s);
    REQUIRE(listening);
    CHECK(json::parse(*listening)["env"] == "test");
    std::filesystem::remove(path);
}
