// Measures the event chain as a user sees it: from a registration's 201 to the user's welcome
// order being visible at the order-service, and to that order showing `paid`.
//   chain-latency <user-service port> <order-service port> [users]
// Calls the services as the gateway does, with API_KEY (the services' default unless set).
// One user at a time; the order-service is polled over one keep-alive connection, so the
// figures include at most one poll interval (0.5 ms) and round trip (about 0.1 ms).
#include "http_client.hpp"

#include <shop/app/app_config.hpp>
#include <shop/config/env.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Sample {
    double visible_ms = 0;
    double paid_ms = 0;
};

// "x-api-key: ...\r\n", the header the services ask of every API call.
std::string const& api_key_header()
{
    static std::string const header =
        "x-api-key: " +
        shop::config::Env::from_process().string("API_KEY", std::string{shop::kDefaultApiKey}) +
        "\r\n";
    return header;
}

double ms_since(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string register_user(std::uint16_t port, int n)
{
    json const body{{"email", "latency-" + std::to_string(Clock::now().time_since_epoch().count()) +
                                  "-" + std::to_string(n) + "@example.com"},
                    {"name", "Latency User"},
                    {"password", "Latency-Secret-1"}};
    auto const reply =
        shop::test::request(port, "POST", "/api/users", body.dump(), api_key_header());
    if (reply.status != 201) {
        std::fprintf(stderr, "registration failed: %d %s\n", reply.status, reply.body.c_str());
        std::exit(1);
    }
    return json::parse(reply.body).at("id").get<std::string>();
}

// The user's orders as the order-service shows them, over the keep-alive connection.
json orders_of(shop::test::Connection& connection, std::string const& user_id)
{
    connection.send("GET /api/orders?userId=" + user_id + " HTTP/1.1\r\nHost: bench\r\n" +
                    api_key_header() + "\r\n");
    auto const reply = connection.read_reply();
    if (!reply || reply->status != 200) {
        std::fprintf(stderr, "order-service did not answer a poll\n");
        std::exit(1);
    }
    return json::parse(reply->body);
}

Sample measure(std::uint16_t users_port, shop::test::Connection& orders, int n)
{
    constexpr auto kGiveUp = std::chrono::seconds{30};
    auto const user_id = register_user(users_port, n);
    auto const created = Clock::now();
    Sample sample;
    for (;;) {
        auto const list = orders_of(orders, user_id);
        if (sample.visible_ms == 0 && !list.empty())
            sample.visible_ms = ms_since(created);
        if (!list.empty() && list[0].value("status", "") == "paid") {
            sample.paid_ms = ms_since(created);
            return sample;
        }
        if (Clock::now() - created > kGiveUp) {
            std::fprintf(stderr, "user %s: no paid welcome order after 30 s\n", user_id.c_str());
            std::exit(1);
        }
        std::this_thread::sleep_for(std::chrono::microseconds{500}); // leave the cores to the chain
    }
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    auto const rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1));
    return values[rank];
}

void report(char const* what, std::vector<double> const& values)
{
    std::printf("%-34s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms\n", what, percentile(values, 50),
                percentile(values, 99), *std::max_element(values.begin(), values.end()));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: chain-latency <user-service port> <order-service port> "
                             "[users, default 200]\n");
        return 2;
    }
    auto const users_port = static_cast<std::uint16_t>(std::atoi(argv[1]));
    auto const orders_port = static_cast<std::uint16_t>(std::atoi(argv[2]));
    int const count = argc > 3 ? std::atoi(argv[3]) : 200;

    shop::test::Connection orders{orders_port};
    measure(users_port, orders, -1); // warm-up: connections, consumer fetch sessions
    std::vector<double> visible;
    std::vector<double> paid;
    for (int i = 0; i < count; ++i) {
        auto const s = measure(users_port, orders, i);
        visible.push_back(s.visible_ms);
        paid.push_back(s.paid_ms);
    }
    std::printf("%d users, one at a time\n", count);
    report("201 -> welcome order visible", visible);
    report("201 -> welcome order paid", paid);
}
