// The api-gateway in front of real upstreams: forwarding, resilience, limits, hygiene.
#include "http_client.hpp"
#include "service.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <csignal>
#include <functional>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace shop::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string url(std::uint16_t port)
{
    return "http://127.0.0.1:" + std::to_string(port);
}

// A loopback port that nothing listens on.
std::uint16_t closed_port()
{
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    auto const port = ntohs(address.sin_port);
    REQUIRE(refuses_connections(port));
    return port;
}

// The gateway with every upstream on `upstream` unless `env` says otherwise.
RunningService gateway(std::uint16_t upstream, EnvVars env = {})
{
    EnvVars all{{"USER_SERVICE_URL", url(upstream)},
                {"ORDER_SERVICE_URL", url(upstream)},
                {"PAYMENT_SERVICE_URL", url(upstream)},
                {"API_KEY", "test-key"},
                {"HTTP_THREADS", "2"}};
    for (auto& variable : env)
        all.push_back(std::move(variable)); // later entries win
    return RunningService{SHOP_API_GATEWAY, all};
}

json circuit(std::uint16_t gateway_port, std::string const& name)
{
    return json::parse(request(gateway_port, "GET", "/health/circuit/" + name).body);
}

// An upstream on a raw socket that does what no well-behaved server does, as scripted per
// accepted connection (run one after another on its own thread).
class RawUpstream {
public:
    using Script = std::function<void(RawUpstream& self, int fd, int connection)>;

    explicit RawUpstream(Script script) : script_{std::move(script)}
    {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(listener_, 16) == 0);
        socklen_t length = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread{[this] { serve(); }};
    }
    ~RawUpstream()
    {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    RawUpstream(RawUpstream const&) = delete;
    RawUpstream& operator=(RawUpstream const&) = delete;

    std::uint16_t port() const { return port_; }

    // Reads one request (head and Content-Length body); "" when the peer closed first.
    std::string read_request(int fd)
    {
        std::string data;
        char chunk[4096];
        for (;;) {
            auto const end = data.find("\r\n\r\n");
            if (end != std::string::npos) {
                std::size_t length = 0;
                auto const at = data.find("Content-Length: ");
                if (at != std::string::npos && at < end)
                    length = std::stoul(data.substr(at + 16));
                if (data.size() >= end + 4 + length)
                    break;
            }
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0)
                return {};
            auto const n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0)
                return {};
            data.append(chunk, static_cast<std::size_t>(n));
        }
        std::lock_guard const lock{mutex_};
        requests_.push_back(data.substr(0, data.find("\r\n")));
        return data;
    }

    static void answer(int fd, std::string const& body, std::string const& extra_headers = {})
    {
        auto const text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
        ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    }

    // Closes with a reset (RST) instead of an orderly FIN.
    static void reset(int fd)
    {
        linger const option{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
    }

    // The request lines received so far ("GET /api/users HTTP/1.1", ...).
    std::vector<std::string> requests() const
    {
        std::lock_guard const lock{mutex_};
        return requests_;
    }

private:
    void serve()
    {
        for (int connection = 0; !stop_;) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0)
                continue;
            int const fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0)
                continue;
            script_(*this, fd, connection++);
            ::close(fd);
        }
    }

    Script script_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
};

} // namespace

TEST_CASE("requests are forwarded with method, path, query, body, status and headers intact",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER, {{"HTTP_THREADS", "2"}}};
    auto gw = gateway(upstream.port());

    for (std::string const method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
        INFO(method);
        std::string const body = method == "GET" || method == "DELETE" ? "" : R"({"a":1})";
        auto const reply =
            request(gw.port(), method, "/api/orders/o-1/items?x=1&y=%20z&status=201", body,
                    "X-Custom: kept\r\n"
                    "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n"
                    "X-Request-Id: client-id-42\r\n");
        CHECK(reply.status == 201);
        CHECK(reply.header("x-request-id") == "client-id-42");
        CHECK(reply.header("x-total-count") == "42");
        CHECK(reply.header("location") == "/api/orders/o-1/items/created");
        CHECK_THAT(reply.header("content-type"), Catch::StartsWith("application/json"));
        auto const echo = json::parse(reply.body);
        CHECK(echo["method"] == method);
        CHECK(echo["target"] == "/api/orders/o-1/items?x=1&y=%20z&status=201");
        CHECK(echo["body"] == body);
        auto const& headers = echo["headers"];
        CHECK(headers["x-custom"] == "kept");
        CHECK(headers["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        CHECK(headers["x-request-id"] == "client-id-42");
        CHECK(headers["x-api-key"] == "test-key");
    }
    // HEAD goes through as HEAD, without a body.
    Connection connection{gw.port()};
    REQUIRE(connection.send("HEAD /api/users HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto const head = connection.read_reply(5s, Connection::Body::none);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->header("x-total-count") == "42");
}

TEST_CASE("an absolute-form target reaches the upstream in origin form; trailers never do",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port());

    // Were the target passed on as it came, the upstream would take evil.example for the
    // authority (RFC 9112 §3.2.2).
    Connection absolute{gw.port()};
    REQUIRE(absolute.send("GET http://evil.example/api/users/u-1?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto const forwarded = absolute.read_reply();
    REQUIRE(forwarded);
    CHECK(forwarded->status == 200);
    CHECK(json::parse(forwarded->body)["target"] == "/api/users/u-1?x=1");

    // A chunked body's trailer fields are dropped, not merged into the header section
    // (RFC 9110 §6.5.1), so they cannot pose as headers upstream.
    Connection chunked{gw.port()};
    REQUIRE(chunked.send("POST /api/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         "Content-Type: application/json\r\n\r\n"
                         "7\r\n{\"a\":1}\r\n0\r\n"
                         "X-Injected: 1\r\nContent-Type: text/evil\r\n\r\n"));
    auto const posted = chunked.read_reply();
    REQUIRE(posted);
    CHECK(posted->status == 200);
    auto const echo = json::parse(posted->body);
    CHECK(echo["body"] == R"({"a":1})");
    CHECK_FALSE(echo["headers"].contains("x-injected"));
    CHECK(echo["headers"]["content-type"] == "application/json");
}

TEST_CASE("a HEAD answer shows the Content-Length the upstream declared for its body", "[gateway]")
{
    RawUpstream raw{[](RawUpstream& self, int fd, int) {
        if (self.read_request(fd).empty())
            return;
        std::string const head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 1234\r\n\r\n";
        ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
    }};
    auto gw = gateway(raw.port());
    Connection connection{gw.port()};
    REQUIRE(connection.send("HEAD /api/users/u-1 HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto const head = connection.read_reply(5s, Connection::Body::none);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->header("content-length") == "1234"); // RFC 9110 §8.6: what a GET would send
    CHECK(head->body.empty());
    CHECK(raw.requests() == std::vector<std::string>{"HEAD /api/users/u-1 HTTP/1.1"});
}

TEST_CASE("each prefix goes to its own upstream", "[gateway]")
{
    RunningService users{SHOP_TEST_SERVER};
    auto const dead = closed_port();
    auto gw = gateway(users.port(),
                      {{"ORDER_SERVICE_URL", url(dead)}, {"PAYMENT_SERVICE_URL", url(dead)}});
    CHECK(request(gw.port(), "GET", "/api/users").status == 200);
    CHECK(request(gw.port(), "GET", "/api/users/u-1").status == 200);
    CHECK(request(gw.port(), "GET", "/api/orders").status == 502);
    CHECK(request(gw.port(), "GET", "/api/payments/p-1").status == 502);
    CHECK(request(gw.port(), "GET", "/api/nothing-here").status == 404);
}

TEST_CASE("an unusable X-Request-Id is replaced, and the replacement is what the upstream sees",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port());
    auto const reply = request(gw.port(), "GET", "/api/users", {}, "X-Request-Id: bad id!\r\n");
    auto const id = reply.header("x-request-id");
    CHECK(id.size() == 36);
    CHECK(json::parse(reply.body)["headers"]["x-request-id"] == id);
}

TEST_CASE("hop-by-hop headers do not cross the gateway in either direction", "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port());
    auto const reply = request(gw.port(), "GET", "/api/users", {},
                               "Connection: X-Hop\r\nX-Hop: secret\r\nKeep-Alive: 300\r\n"
                               "TE: trailers\r\nProxy-Authorization: Basic eA==\r\n"
                               "Upgrade: websocket\r\nX-End-To-End: yes\r\n");
    REQUIRE(reply.status == 200);
    auto const echo = json::parse(reply.body);
    auto const& headers = echo["headers"];
    CHECK(headers["x-end-to-end"] == "yes");
    for (auto const* name : {"x-hop", "keep-alive", "te", "proxy-authorization", "upgrade"}) {
        INFO(name);
        CHECK_FALSE(headers.contains(name));
    }
    // The test server answers with Keep-Alive, Upgrade, Proxy-Authenticate and Server.
    CHECK(reply.header("keep-alive").empty());
    CHECK(reply.header("upgrade").empty());
    CHECK(reply.header("proxy-authenticate").empty());
    CHECK(reply.header("server").empty());

    // A header the upstream names in Connection stays behind too.
    RawUpstream raw{[](RawUpstream& self, int fd, int) {
        self.read_request(fd);
        RawUpstream::answer(fd, "ok",
                            "Connection: keep-alive, X-Upstream-Hop\r\n"
                            "X-Upstream-Hop: internal\r\nX-Visible: 1\r\n");
    }};
    auto gw_raw = gateway(raw.port());
    auto const raw_reply = request(gw_raw.port(), "GET", "/api/users");
    CHECK(raw_reply.status == 200);
    CHECK(raw_reply.body == "ok");
    CHECK(raw_reply.header("x-visible") == "1");
    CHECK(raw_reply.header("x-upstream-hop").empty());
}

TEST_CASE("a chunked upstream answer reaches the client whole, with its media type, and the "
          "connection is used again",
          "[gateway]")
{
    std::atomic<int> connections{0};
    RawUpstream raw{[&connections](RawUpstream& self, int fd, int) {
        ++connections;
        while (!self.read_request(fd).empty()) {
            std::string const text = "HTTP/1.1 201 Created\r\nContent-Type: text/markdown\r\n"
                                     "Transfer-Encoding: chunked\r\nX-Part: 2\r\n\r\n"
                                     "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n";
            ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
        }
    }};
    auto gw = gateway(raw.port());
    for (int i = 0; i < 2; ++i) {
        auto const reply = request(gw.port(), "GET", "/api/users");
        CHECK(reply.status == 201);
        CHECK(reply.body == "hello world");
        CHECK(reply.header("content-type") == "text/markdown");
        CHECK(reply.header("content-length") == "11");
        CHECK(reply.header("transfer-encoding").empty());
        CHECK(reply.header("x-part") == "2");
    }
    CHECK(connections == 1);
}

TEST_CASE("an unreachable or resetting upstream is a 502 that reveals nothing of it", "[gateway]")
{
    auto const dead = closed_port();
    RawUpstream resetting{[](RawUpstream& self, int fd, int) {
        self.read_request(fd);
        RawUpstream::reset(fd);
    }};
    RawUpstream garbage{[](RawUpstream& self, int fd, int) {
        self.read_request(fd);
        std::string const text = "this is not HTTP\r\n\r\n";
        ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    }};
    auto gw = gateway(dead, {{"ORDER_SERVICE_URL", url(resetting.port())},
                             {"PAYMENT_SERVICE_URL", url(garbage.port())}});
    for (auto const* path : {"/api/users", "/api/orders", "/api/payments"}) {
        INFO(path);
        auto const reply = request(gw.port(), "GET", path, {}, "X-Request-Id: r-502\r\n");
        CHECK(reply.status == 502);
        auto const body = json::parse(reply.body);
        CHECK(body == json{{"statusCode", 502},
                           {"message", "Upstream service unavailable"},
                           {"error", "Bad Gateway"},
                           {"requestId", "r-502"}});
        CHECK(reply.header("x-request-id") == "r-502");
    }
}

TEST_CASE("an upstream slower than UPSTREAM_TIMEOUT_MS is a 504, in time", "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port(), {{"UPSTREAM_TIMEOUT_MS", "300"}});
    auto const started = std::chrono::steady_clock::now();
    auto const reply = request(gw.port(), "GET", "/api/users/slow?ms=3000");
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(reply.status == 504);
    CHECK(json::parse(reply.body)["error"] == "Gateway Timeout");
    CHECK(request(gw.port(), "GET", "/api/users/slow?ms=10").status == 200);
}

TEST_CASE("a GET on a kept-alive connection the upstream dropped is retried once on a new one",
          "[gateway]")
{
    // First connection: answers one request and keeps the connection, then drops it on the
    // next request without answering. Later connections answer normally.
    RawUpstream raw{[](RawUpstream& self, int fd, int connection) {
        if (self.read_request(fd).empty())
            return;
        if (connection > 0) {
            RawUpstream::answer(fd, "fresh");
            return;
        }
        RawUpstream::answer(fd, "first");
        self.read_request(fd);
    }};
    auto gw = gateway(raw.port());
    CHECK(request(gw.port(), "GET", "/api/users/1").body == "first");
    auto const retried = request(gw.port(), "GET", "/api/users/2");
    CHECK(retried.status == 200);
    CHECK(retried.body == "fresh");
    auto const seen = raw.requests();
    CHECK(seen == std::vector<std::string>{"GET /api/users/1 HTTP/1.1", "GET /api/users/2 HTTP/1.1",
                                           "GET /api/users/2 HTTP/1.1"});
}

TEST_CASE("a POST is never sent twice, even when its kept-alive connection was dropped",
          "[gateway]")
{
    RawUpstream raw{[](RawUpstream& self, int fd, int connection) {
        if (self.read_request(fd).empty())
            return;
        if (connection > 0) {
            RawUpstream::answer(fd, "fresh");
            return;
        }
        RawUpstream::answer(fd, "first");
        self.read_request(fd);
    }};
    auto gw = gateway(raw.port());
    CHECK(request(gw.port(), "GET", "/api/orders/1").body == "first");
    auto const reply = request(gw.port(), "POST", "/api/orders", R"({"n":1})");
    CHECK(reply.status == 502);
    auto const seen = raw.requests();
    CHECK(std::count(seen.begin(), seen.end(), "POST /api/orders HTTP/1.1") == 1);
}

TEST_CASE("an upstream answer that turns out malformed or too large is a 502, and the request "
          "is not sent again",
          "[gateway]")
{
    auto const [answer, name] = GENERATE(table<std::string, std::string>(
        {{"HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n" + std::string(4096, 'x'),
          "over UPSTREAM_RESPONSE_LIMIT"},
         {"HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n", "a broken header"}}));
    INFO(name);
    // The second request comes on the kept-alive connection, unchecked: the upstream has
    // acted on it by the time its answer fails, so a retry would send a DELETE twice.
    RawUpstream raw{[bad = answer](RawUpstream& self, int fd, int) {
        if (self.read_request(fd).empty())
            return;
        RawUpstream::answer(fd, "first");
        if (self.read_request(fd).empty())
            return;
        ::send(fd, bad.data(), bad.size(), MSG_NOSIGNAL);
    }};
    auto gw = gateway(raw.port(), {{"UPSTREAM_RESPONSE_LIMIT", "1kb"}});
    CHECK(request(gw.port(), "GET", "/api/users/1").body == "first");
    auto const reply = request(gw.port(), "DELETE", "/api/users/2");
    CHECK(reply.status == 502);
    CHECK(json::parse(reply.body)["message"] == "Upstream service unavailable");
    CHECK(raw.requests() ==
          std::vector<std::string>{"GET /api/users/1 HTTP/1.1", "DELETE /api/users/2 HTTP/1.1"});
}

// Each connection answers one request and then closes, as a server does at its keep-alive
// timeout: "first" on the first connection, "fresh" on every later one.
RawUpstream::Script answers_once_per_connection()
{
    return [](RawUpstream& self, int fd, int connection) {
        if (self.read_request(fd).empty())
            return;
        RawUpstream::answer(fd, connection == 0 ? "first" : "fresh");
    };
}

TEST_CASE("a kept-alive connection the upstream closed while idle is never a failure", "[gateway]")
{
    RawUpstream raw{answers_once_per_connection()};
    auto gw = gateway(raw.port());
    CHECK(request(gw.port(), "GET", "/api/orders/0").body == "first");
    std::vector<std::string> expected{"GET /api/orders/0 HTTP/1.1"};

    SECTION("GETs are answered on new connections, however many: those retries spend no "
            "retry budget")
    {
        // Each GET is given the connection the previous one left, closed since. Twenty are
        // more than the budget's floor of ten retries a window and its fifth of the requests.
        for (int i = 1; i <= 20; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds{10}); // the close arrives
            auto const path = "/api/orders/" + std::to_string(i);
            auto const reply = request(gw.port(), "GET", path);
            CHECK(reply.status == 200);
            CHECK(reply.body == "fresh");
            expected.push_back("GET " + path + " HTTP/1.1");
        }
        CHECK(raw.requests() == expected);
    }
    SECTION("a POST goes out once, on a new connection")
    {
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
        auto const reply = request(gw.port(), "POST", "/api/orders", R"({"n":1})");
        CHECK(reply.status == 200);
        CHECK(reply.body == "fresh");
        expected.push_back("POST /api/orders HTTP/1.1");
        CHECK(raw.requests() == expected);
    }
}

TEST_CASE("what an upstream wrote as it closed an idle connection is not taken for the next "
          "GET's answer",
          "[gateway]")
{
    auto const [last_words, name] = GENERATE(table<std::string, std::string>(
        {{"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
          "a 408"},
         {"goodbye\r\n\r\n", "bytes that are no response"}}));
    INFO(name);
    RawUpstream raw{[words = last_words](RawUpstream& self, int fd, int connection) {
        if (self.read_request(fd).empty())
            return;
        RawUpstream::answer(fd, connection == 0 ? "first" : "fresh");
        if (connection == 0) {
            // Later, on its own: the gateway has put the connection back in its pool by then.
            std::this_thread::sleep_for(std::chrono::milliseconds{30});
            ::send(fd, words.data(), words.size(), MSG_NOSIGNAL);
        }
    }};
    auto gw = gateway(raw.port());
    CHECK(request(gw.port(), "GET", "/api/orders/0").body == "first");
    std::this_thread::sleep_for(std::chrono::milliseconds{100}); // the words and the close arrive
    auto const reply = request(gw.port(), "GET", "/api/orders/1");
    CHECK(reply.status == 200);
    CHECK(reply.body == "fresh");
}

TEST_CASE("the circuit opens after CB_THRESHOLD failures, probes after CB_RESET_TIMEOUT and "
          "closes on success",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port(), {{"CB_THRESHOLD", "3"}, {"CB_RESET_TIMEOUT", "1000"}});
    CHECK(circuit(gw.port(), "order-service")["state"] == "closed");

    // The upstream's own 503s count as failures; they reach the client unchanged.
    for (int i = 0; i < 3; ++i)
        CHECK(request(gw.port(), "GET", "/api/orders?status=503").status == 503);
    auto const open = circuit(gw.port(), "order-service");
    CHECK(open["state"] == "open");
    CHECK(open["failures"] == 3);
    CHECK(open["threshold"] == 3);

    auto const rejected = request(gw.port(), "GET", "/api/orders/1");
    CHECK(rejected.status == 503);
    CHECK(rejected.header("retry-after") == "1");
    CHECK(json::parse(rejected.body)["message"] == "Circuit open");
    // Other upstreams have circuits of their own.
    CHECK(request(gw.port(), "GET", "/api/users/1").status == 200);
    CHECK(circuit(gw.port(), "user-service")["state"] == "closed");

    CHECK(eventually([&] { return circuit(gw.port(), "order-service")["state"] == "half-open"; },
                     3s));
    CHECK(request(gw.port(), "GET", "/api/orders/1").status == 200); // the probe
    auto const closed = circuit(gw.port(), "order-service");
    CHECK(closed["state"] == "closed");
    CHECK(closed["failures"] == 0);

    auto const unknown = request(gw.port(), "GET", "/health/circuit/nope");
    CHECK(unknown.status == 404);
    CHECK(json::parse(unknown.body)["statusCode"] == 404);
}

TEST_CASE("an upstream's 500s reach the client as they are and do not open its circuit",
          "[gateway]")
{
    // A 500 is one request's error, not a sick upstream: only 502/503/504, timeouts and
    // connection failures count against the circuit.
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port(), {{"CB_THRESHOLD", "2"}});
    for (int i = 0; i < 4; ++i) {
        auto const reply = request(gw.port(), "GET", "/api/orders?status=500");
        CHECK(reply.status == 500);
        CHECK(json::parse(reply.body)["method"] == "GET"); // the upstream's own body
    }
    CHECK(circuit(gw.port(), "order-service")["state"] == "closed");
    CHECK(request(gw.port(), "GET", "/api/orders/1").status == 200);
}

TEST_CASE("refused connections open the circuit too, and the open circuit answers at once",
          "[gateway]")
{
    auto gw = gateway(closed_port(), {{"CB_THRESHOLD", "2"}, {"CB_RESET_TIMEOUT", "60s"}});
    CHECK(request(gw.port(), "GET", "/api/payments").status == 502);
    CHECK(request(gw.port(), "POST", "/api/payments", "{}").status == 502);
    auto const reply = request(gw.port(), "GET", "/api/payments");
    CHECK(reply.status == 503);
    CHECK(std::stoi(reply.header("retry-after")) > 50);
    CHECK(circuit(gw.port(), "payment-service")["state"] == "open");
}

TEST_CASE("clients over RATE_LIMIT_MAX get 429 with Retry-After; every API response shows the "
          "limit",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port(), {{"RATE_LIMIT_MAX", "3"}, {"RATE_LIMIT_WINDOW", "60000"}});
    for (int remaining = 2; remaining >= 0; --remaining) {
        auto const reply = request(gw.port(), "GET", "/api/users");
        CHECK(reply.status == 200);
        CHECK(reply.header("ratelimit-limit") == "3");
        CHECK(reply.header("ratelimit-remaining") == std::to_string(remaining));
        CHECK(std::stoi(reply.header("ratelimit-reset")) > 0);
    }
    auto const refused = request(gw.port(), "GET", "/api/users");
    CHECK(refused.status == 429);
    CHECK(refused.header("ratelimit-remaining") == "0");
    CHECK(std::stoi(refused.header("retry-after")) > 0);
    auto const body = json::parse(refused.body);
    CHECK(body["statusCode"] == 429);
    CHECK(body["error"] == "Too Many Requests");
    // Health and metrics are not limited.
    CHECK(request(gw.port(), "GET", "/health/live").status == 200);
}

TEST_CASE("a body over BODY_LIMIT is refused with 413 before it reaches an upstream", "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port(), {{"BODY_LIMIT", "1kb"}});
    auto const reply = request(gw.port(), "POST", "/api/users", std::string(2000, 'x'),
                               "X-Request-Id: client-413\r\n");
    CHECK(reply.status == 413);
    CHECK(json::parse(reply.body)["statusCode"] == 413);
    // The head was read: the answer carries the client's request id, like any other.
    CHECK(reply.header("x-request-id") == "client-413");
    CHECK(json::parse(reply.body)["requestId"] == "client-413");
    CHECK(request(gw.port(), "POST", "/api/users", R"({"small":true})").status == 200);
}

TEST_CASE("CORS: allowed origins get preflights answered and CORS headers, others get none",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port(),
                      {{"ALLOWED_ORIGINS", "https://shop.example, http://localhost:3000"}});
    auto const allowed = request(gw.port(), "OPTIONS", "/api/users", {},
                                 "Origin: https://shop.example\r\n"
                                 "Access-Control-Request-Method: POST\r\n");
    CHECK(allowed.status == 204);
    CHECK(allowed.header("access-control-allow-origin") == "https://shop.example");
    CHECK_THAT(allowed.header("access-control-allow-methods"), Catch::Contains("POST"));
    CHECK_THAT(allowed.header("access-control-allow-headers"), Catch::Contains("Content-Type"));
    CHECK(allowed.header("access-control-max-age") == "600");
    CHECK(allowed.header("vary") == "Origin");

    auto const denied = request(gw.port(), "OPTIONS", "/api/users", {},
                                "Origin: https://evil.example\r\n"
                                "Access-Control-Request-Method: POST\r\n");
    CHECK(denied.status == 204);
    CHECK(denied.header("access-control-allow-origin").empty());
    CHECK(denied.header("access-control-allow-methods").empty());

    auto const simple =
        request(gw.port(), "GET", "/api/users", {}, "Origin: http://localhost:3000\r\n");
    CHECK(simple.status == 200);
    CHECK(simple.header("access-control-allow-origin") == "http://localhost:3000");
    CHECK(simple.header("vary") == "Origin");
    auto const foreign =
        request(gw.port(), "GET", "/api/users", {}, "Origin: https://evil.example\r\n");
    CHECK(foreign.status == 200);
    CHECK(foreign.header("access-control-allow-origin").empty());

    // An OPTIONS that is not a preflight is forwarded like any request.
    auto const options = request(gw.port(), "OPTIONS", "/api/users");
    CHECK(json::parse(options.body)["method"] == "OPTIONS");
}

TEST_CASE("gateway responses carry the gateway's security headers, in place of an upstream's, "
          "and /api ones are never cached",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto const dead = closed_port();
    auto gw = gateway(upstream.port(), {{"ORDER_SERVICE_URL", url(dead)}});
    for (auto const* path : {"/api/users", "/api/orders", "/health/circuit/user-service"}) {
        INFO(path);
        auto const reply = request(gw.port(), "GET", path);
        CHECK(reply.header("x-content-type-options") == "nosniff");
        CHECK(reply.header("x-frame-options") == "DENY");
        CHECK(reply.header("referrer-policy") == "no-referrer");
        if (std::string_view{path}.starts_with("/api"))
            CHECK(reply.header("cache-control") == "no-store");
    }
}

TEST_CASE("the gateway's own 404 and 405 carry the headers of any API answer, and preflights "
          "are answered on every path",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port(), {{"ALLOWED_ORIGINS", "https://shop.example"}});
    std::string const origin = "Origin: https://shop.example\r\n";
    auto const missing = request(gw.port(), "GET", "/api/nothing-here", {}, origin);
    auto const wrong_method = request(gw.port(), "TRACE", "/api/users", {}, origin);
    CHECK(missing.status == 404);
    CHECK(wrong_method.status == 405);
    CHECK_THAT(wrong_method.header("allow"), Catch::Contains("GET"));
    for (auto const* reply : {&missing, &wrong_method}) {
        INFO(reply->status);
        CHECK(reply->header("cache-control") == "no-store");
        CHECK(reply->header("x-content-type-options") == "nosniff");
        CHECK(reply->header("access-control-allow-origin") == "https://shop.example");
        CHECK_FALSE(reply->header("ratelimit-limit").empty());
        CHECK(json::parse(reply->body)["statusCode"] == reply->status);
    }
    // The event view's routes are GET only; a browser's preflight for them is answered.
    auto const preflight = request(gw.port(), "OPTIONS", "/api/events/some-request", {},
                                   origin + "Access-Control-Request-Method: GET\r\n"
                                            "Access-Control-Request-Headers: X-Request-Id\r\n");
    CHECK(preflight.status == 204);
    CHECK(preflight.header("access-control-allow-origin") == "https://shop.example");
}

TEST_CASE("a long poll on the event view is answered when the gateway begins to shut down",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER};
    auto gw = gateway(upstream.port());
    Connection poll{gw.port()};
    REQUIRE(poll.send("GET /api/events/nobody-yet?wait=30 HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::this_thread::sleep_for(200ms); // the poll is waiting
    auto const signalled = std::chrono::steady_clock::now();
    gw.process().signal(SIGTERM);
    // Answered with what there is (nothing: 404) within about a second, not after 30 s.
    auto const reply = poll.read_reply(5s);
    REQUIRE(reply);
    CHECK(reply->status == 404);
    CHECK(std::chrono::steady_clock::now() - signalled < 3s);
    CHECK(gw.process().wait_exit(5s) == 0);
}

TEST_CASE("many requests to an upstream that never answers all end in 504 and the gateway "
          "stays responsive",
          "[gateway]")
{
    RunningService upstream{SHOP_TEST_SERVER, {{"HTTP_THREADS", "2"}}};
    auto gw = gateway(
        upstream.port(),
        {{"UPSTREAM_TIMEOUT_MS", "400"}, {"UPSTREAM_POOL_SIZE", "4"}, {"CB_THRESHOLD", "100000"}});
    constexpr int kClients = 40;
    std::vector<int> statuses(kClients, 0);
    {
        std::vector<std::jthread> clients;
        for (int i = 0; i < kClients; ++i)
            clients.emplace_back([&statuses, i, port = gw.port()] {
                try {
                    statuses[static_cast<std::size_t>(i)] =
                        request(port, "GET", "/api/orders/never").status;
                } catch (std::exception const&) {
                    statuses[static_cast<std::size_t>(i)] = -1;
                }
            });
    }
    INFO(json(statuses).dump());
    CHECK(std::count(statuses.begin(), statuses.end(), 504) == kClients);
    CHECK(request(gw.port(), "GET", "/health/live").status == 200);
    // Nothing is left waiting or held: the pool stays within its bound.
    CHECK(eventually([&] {
        auto const pool = circuit(gw.port(), "order-service")["pool"];
        return pool["waiting"] == 0 && pool["open"] == 0;
    }));
    CHECK(request(gw.port(), "GET", "/api/orders/1").status == 200);
}

TEST_CASE("upstream connections are kept alive and reused", "[gateway]")
{
    std::atomic<int> connections{0};
    RawUpstream raw{[&connections](RawUpstream& self, int fd, int) {
        ++connections;
        while (!self.read_request(fd).empty())
            RawUpstream::answer(fd, "ok");
    }};
    auto gw = gateway(raw.port());
    // A new client connection each time, all served through one upstream connection.
    for (int i = 0; i < 5; ++i)
        CHECK(request(gw.port(), "GET", "/api/users").status == 200);
    CHECK(raw.requests().size() == 5);
    CHECK(connections == 1);
    CHECK(circuit(gw.port(), "user-service")["pool"]["idle"] == 1);
}

TEST_CASE("a bad gateway variable stops start-up with one line naming it", "[gateway]")
{
    ChildProcess process{SHOP_API_GATEWAY, {{"PORT", "0"}, {"CB_THRESHOLD", "zero"}}};
    CHECK(process.wait_exit(10s) == 1);
    CHECK_THAT(process.output(), Catch::Contains("CB_THRESHOLD"));
    ChildProcess production{SHOP_API_GATEWAY, {{"PORT", "0"}, {"APP_ENV", "production"}}};
    CHECK(production.wait_exit(10s) == 1);
    CHECK_THAT(production.output(), Catch::Contains("API_KEY"));
}
