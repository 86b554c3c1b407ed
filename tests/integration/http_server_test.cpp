// The chassis's HTTP server seen from a client: a real executable on a free port.
#include "http_client.hpp"
#include "service.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <memory>
#include <set>
#include <thread>

using namespace shop::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

RunningService test_server(EnvVars env = {})
{
    return RunningService{SHOP_TEST_SERVER, std::move(env)};
}

} // namespace

TEST_CASE("a malformed request gets 400 and the server keeps serving others", "[http]")
{
    auto server = test_server();
    Connection bad{server.port()};
    bad.send("GET / HTTP/1.1\r\nHost: x\r\nthis line has no colon\r\n\r\n");
    auto const reply = bad.read_reply();
    REQUIRE(reply);
    CHECK(reply->status == 400);
    auto const body = json::parse(reply->body);
    CHECK(body["statusCode"] == 400);
    CHECK(body["error"] == "Bad Request");
    CHECK(body["requestId"] == reply->header("X-Request-Id"));
    CHECK(bad.closed_by_peer(2s));

    Connection garbage{server.port()};
    garbage.send("\x01\x02\x03 nonsense\r\n\r\n");
    auto const second = garbage.read_reply();
    REQUIRE(second);
    CHECK(second->status == 400);

    CHECK(request(server.port(), "GET", "/health/live").status == 200);
}

TEST_CASE("a body over BODY_LIMIT gets 413 and one within it is served", "[http]")
{
    auto server = test_server({{"BODY_LIMIT", "1kb"}});
    std::string const big = R"({"pad":")" + std::string(1100, 'x') + R"("})";
    auto const rejected = request(server.port(), "POST", "/echo", big);
    CHECK(rejected.status == 413);
    CHECK(json::parse(rejected.body)["error"] == "Payload Too Large");

    // A chunked body has no length up front: it is cut off once it passes the limit.
    Connection chunked{server.port()};
    chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                 "Content-Type: application/json\r\n\r\n");
    for (int i = 0; i < 3; ++i)
        chunked.send("200\r\n" + std::string(512, ' ') + "\r\n");
    auto const cut = chunked.read_reply();
    REQUIRE(cut);
    CHECK(cut->status == 413);

    std::string const small = R"({"pad":")" + std::string(900, 'x') + R"("})";
    auto const served = request(server.port(), "POST", "/echo", small);
    CHECK(served.status == 200);
    CHECK(served.body == small);
}

TEST_CASE("headers over the limit get 431", "[http]")
{
    auto server = test_server({{"HTTP_HEADER_LIMIT", "2kb"}});
    auto const reply = request(server.port(), "GET", "/health/live", {},
                               "X-Big: " + std::string(4096, 'a') + "\r\n");
    CHECK(reply.status == 431);
    CHECK(request(server.port(), "GET", "/health/live").status == 200);
}

TEST_CASE("a client sending its headers slowly is disconnected after the header timeout",
          "[http][timeout]")
{
    auto server = test_server({{"HTTP_HEADER_TIMEOUT_MS", "600"}});
    Connection slow{server.port()};
    slow.send("GET /health/live HTTP/1.1\r\n");
    auto const started = std::chrono::steady_clock::now();
    bool closed = false;
    // One header byte every 100 ms would keep the request going for 4 s.
    for (int i = 0; i < 40 && !closed; ++i) {
        closed = !slow.send("X") || slow.closed_by_peer(100ms);
    }
    auto const waited = std::chrono::steady_clock::now() - started;
    CHECK(closed);
    CHECK(waited >= 500ms);
    CHECK(waited < 3s);
    CHECK(request(server.port(), "GET", "/health/live").status == 200);
}

TEST_CASE("an idle keep-alive connection is closed after the keep-alive timeout", "[http][timeout]")
{
    auto server = test_server({{"HTTP_KEEP_ALIVE_TIMEOUT_MS", "300"}});
    Connection c{server.port()};
    c.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(c.read_reply());
    CHECK(c.closed_by_peer(3s));
}

TEST_CASE("keep-alive serves several requests on one connection", "[http]")
{
    auto server = test_server();
    Connection c{server.port()};
    for (int i = 0; i < 3; ++i) {
        c.send("GET /items/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        auto const reply = c.read_reply();
        REQUIRE(reply);
        CHECK(reply->status == 200);
        CHECK(json::parse(reply->body)["id"] == std::to_string(i));
        CHECK(reply->header("Connection").empty());
    }
    // Pipelined requests are answered in order.
    c.send("GET /items/a HTTP/1.1\r\nHost: x\r\n\r\nGET /items/b HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(json::parse(c.read_reply()->body)["id"] == "a");
    CHECK(json::parse(c.read_reply()->body)["id"] == "b");
}

namespace {

// The I/O thread that answered `target` on `c`.
std::string thread_of(Connection& c, std::string const& target)
{
    c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto const reply = c.read_reply();
    REQUIRE(reply);
    REQUIRE(reply->status == 200);
    return json::parse(reply->body)["thread"];
}

} // namespace

TEST_CASE("connections share one I/O thread until it is busy, then spread, then come back",
          "[http][threads]")
{
    auto server = test_server({{"HTTP_THREADS", "2"}, {"HTTP_THREAD_BUSY_PERCENT", "20"}});
    std::vector<std::unique_ptr<Connection>> connections;
    for (int i = 0; i < 4; ++i)
        connections.push_back(std::make_unique<Connection>(server.port()));
    auto const threads_now = [&](std::string const& target) {
        std::set<std::string> seen;
        for (auto& c : connections)
            seen.insert(thread_of(*c, target));
        return seen;
    };
    // Idle at first: all four on the first thread.
    auto const first = threads_now("/thread");
    CHECK(first.size() == 1);

    // Each request uses 20 ms of CPU on its I/O thread: the thread is busy and hands some of
    // its connections to the other, between their requests, and every request is answered.
    auto deadline = std::chrono::steady_clock::now() + 10s;
    std::set<std::string> spread;
    while (spread.size() < 2 && std::chrono::steady_clock::now() < deadline)
        spread = threads_now("/thread?spin_ms=20");
    CHECK(spread.size() == 2);
    // Each thread's connections on /metrics: the four and the scrape's own.
    auto const busy_metrics = request(server.port(), "GET", "/metrics").body;
    auto const on_first = sample_in(busy_metrics, R"(http_io_thread_connections{thread="0"})");
    auto const on_second = sample_in(busy_metrics, R"(http_io_thread_connections{thread="1"})");
    REQUIRE(on_first);
    REQUIRE(on_second);
    CHECK(*on_first > 0);
    CHECK(*on_second > 0);
    CHECK(*on_first + *on_second == 5);
    CHECK(sample_in(busy_metrics, R"(http_io_thread_load{thread="0"})"));

    // Cheap requests again: the later thread's connections go back to the first.
    deadline = std::chrono::steady_clock::now() + 10s;
    std::set<std::string> merged = spread;
    while (merged.size() > 1 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
        merged = threads_now("/thread");
    }
    CHECK(merged.size() == 1);
    // Once no request finished for two windows (100 ms each), both threads count as idle:
    // the scrape's own connection goes to the first thread too.
    std::this_thread::sleep_for(300ms);
    auto const quiet_metrics = request(server.port(), "GET", "/metrics").body;
    CHECK(sample_in(quiet_metrics, R"(http_io_thread_connections{thread="0"})").value_or(-1) == 5);
    CHECK(sample_in(quiet_metrics, R"(http_io_thread_connections{thread="1"})").value_or(-1) == 0);

    // A pipelined pair is never split across threads: both are answered, in order.
    connections.front()->send("GET /items/a HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /items/b HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(json::parse(connections.front()->read_reply()->body)["id"] == "a");
    CHECK(json::parse(connections.front()->read_reply()->body)["id"] == "b");
}

TEST_CASE("path parameters and query values arrive decoded", "[http]")
{
    auto server = test_server();
    auto const reply = request(server.port(), "GET", "/items/a%20b?q=x%2By+z");
    REQUIRE(reply.status == 200);
    auto const body = json::parse(reply.body);
    CHECK(body["id"] == "a b");
    CHECK(body["q"] == "x+y z");
}

TEST_CASE("a sane X-Request-Id is echoed and any other is replaced", "[http][request-id]")
{
    auto server = test_server();
    auto const kept =
        request(server.port(), "GET", "/health/live", {}, "X-Request-Id: demo-request-123\r\n");
    CHECK(kept.header("X-Request-Id") == "demo-request-123");
    auto const replaced =
        request(server.port(), "GET", "/health/live", {}, "X-Request-Id: bad id<>\r\n");
    CHECK(replaced.header("X-Request-Id").size() == 36);
    auto const fresh = request(server.port(), "GET", "/health/live");
    CHECK(fresh.header("X-Request-Id").size() == 36);
    CHECK(fresh.header("X-Request-Id") != replaced.header("X-Request-Id"));
}

TEST_CASE("errors use NestJS's shape and never leak their cause", "[http][errors]")
{
    auto server = test_server();
    auto const missing = request(server.port(), "GET", "/nope", {}, "X-Request-Id: r-404\r\n");
    CHECK(missing.status == 404);
    CHECK(json::parse(missing.body) == json{{"statusCode", 404},
                                            {"message", "Cannot GET /nope"},
                                            {"error", "Not Found"},
                                            {"requestId", "r-404"}});

    auto const wrong_method = request(server.port(), "DELETE", "/health/live");
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.header("Allow") == "GET, HEAD");

    auto const boom = request(server.port(), "GET", "/boom");
    CHECK(boom.status == 500);
    CHECK(json::parse(boom.body)["message"] == "Internal server error");
    CHECK(boom.body.find("hunter2") == std::string::npos);

    auto const bad_json = request(server.port(), "POST", "/echo", "{not json");
    CHECK(bad_json.status == 400);
    CHECK(json::parse(bad_json.body)["error"] == "Bad Request");
}

TEST_CASE("HEAD is answered like GET without a body", "[http]")
{
    auto server = test_server();
    Connection c{server.port()};
    c.send("HEAD /health/live HTTP/1.1\r\nHost: x\r\n\r\nGET /health/live HTTP/1.1\r\nHost: "
           "x\r\n\r\n");
    auto const head = c.read_reply(5s, Connection::Body::none);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(std::stoul(head->header("Content-Length")) > 0);
    // Had the HEAD reply carried a body, the GET reply would not start right after it.
    auto const get = c.read_reply();
    REQUIRE(get);
    CHECK(get->status == 200);
    CHECK(get->body.size() == std::stoul(head->header("Content-Length")));
}

TEST_CASE("Expect: 100-continue is honoured", "[http]")
{
    auto server = test_server();
    Connection c{server.port()};
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Content-Length: 8\r\nExpect: 100-continue\r\n\r\n");
    auto const interim = c.read_reply(2s);
    REQUIRE(interim);
    CHECK(interim->status == 100);
    c.send(R"({"a":1})"
           " ");
    auto const reply = c.read_reply();
    REQUIRE(reply);
    CHECK(reply->status == 200);
    CHECK(json::parse(reply->body) == json{{"a", 1}});
}

TEST_CASE("blocking work runs off the I/O threads", "[http]")
{
    auto server = test_server({{"HTTP_THREADS", "1"}});
    auto const reply = request(server.port(), "GET", "/blocking");
    REQUIRE(reply.status == 200);
    CHECK(json::parse(reply.body)["offloaded"] == true);
}

TEST_CASE("every request leaves one access-log line with its request id", "[http][log]")
{
    auto server = test_server();
    request(server.port(), "GET", "/items/7", {}, "X-Request-Id: trace-me-42\r\n");
    auto const line = server.process().wait_for_line("trace-me-42", 2s);
    REQUIRE(line);
    auto const entry = json::parse(*line);
    CHECK(entry["level"] == 30);
    CHECK(entry["service"] == "test-server");
    CHECK(entry["requestId"] == "trace-me-42");
    CHECK(entry["statusCode"] == 200);
    CHECK(entry["route"] == "/items/:id");
    CHECK(entry["url"] == "/items/7");
    CHECK(entry["msg"] == "request completed");
    CHECK(entry["time"].is_number_integer());
    CHECK(entry["pid"] == server.process().pid());
}

TEST_CASE("SIGTERM lets a request in flight finish and the process exits 0", "[http][shutdown]")
{
    auto server = test_server();
    Connection slow{server.port()};
    Connection idle{server.port()};
    idle.send("GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(idle.read_reply()->status == 200);

    slow.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(300ms);
    server.process().signal(SIGTERM);
    REQUIRE(server.process().wait_for_line("draining", 2s));

    // Readiness has turned while the slow request is still running; no new connections.
    idle.send("GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n");
    auto const ready = idle.read_reply();
    REQUIRE(ready);
    CHECK(ready->status == 503);
    CHECK(ready->header("Connection") == "close");
    CHECK(json::parse(ready->body)["status"] == "error");
    CHECK(refuses_connections(server.port()));

    auto const finished = slow.read_reply(5s);
    REQUIRE(finished);
    CHECK(finished->status == 200);
    CHECK(json::parse(finished->body)["slept"] == 1500);
    CHECK(server.process().wait_exit(5s) == 0);
}

TEST_CASE("shutdown is bounded: a request slower than the bound is cut and the exit is 0",
          "[http][shutdown]")
{
    auto server = test_server({{"SHUTDOWN_TIMEOUT_MS", "500"}});
    Connection slow{server.port()};
    slow.send("GET /slow?ms=20000 HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(200ms);
    auto const signalled = std::chrono::steady_clock::now();
    server.process().signal(SIGTERM);
    auto const exit_code = server.process().wait_exit(5s);
    INFO(server.process().output());
    CHECK(exit_code == 0);
    CHECK(std::chrono::steady_clock::now() - signalled < 4s);
    CHECK(slow.closed_by_peer(1s));
}

TEST_CASE("an idle server exits 0 at once on SIGINT", "[http][shutdown]")
{
    auto server = test_server();
    server.process().signal(SIGINT);
    CHECK(server.process().wait_exit(3s) == 0);
    CHECK(server.process().output().find("stopped") != std::string::npos);
}

TEST_CASE("a Transfer-Encoding that does not end in chunked is refused", "[http][smuggling]")
{
    auto server = test_server();
    for (std::string const coding : {"gzip", "chunked, identity", "identity"}) {
        INFO(coding);
        Connection c{server.port()};
        // Were the body taken as empty, the smuggled GET /boom would be served next.
        c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding +
               "\r\nContent-Length: 20\r\n\r\nGET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
        auto const reply = c.read_reply();
        REQUIRE(reply);
        CHECK(reply->status == 400);
        CHECK(c.closed_by_peer(3s));
    }
    CHECK(request(server.port(), "GET", "/boom").status == 500); // the route is real

    // The refusal carries the client's request id, its head having been read.
    Connection c{server.port()};
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nX-Request-Id: te-refused\r\n"
           "Transfer-Encoding: gzip\r\n\r\n");
    auto const reply = c.read_reply();
    REQUIRE(reply);
    CHECK(reply->status == 400);
    CHECK(reply->header("X-Request-Id") == "te-refused");
}

TEST_CASE("an HTTP/1.1 request without exactly one Host is refused", "[http]")
{
    auto server = test_server();
    Connection none{server.port()};
    none.send("GET /health/live HTTP/1.1\r\n\r\n");
    CHECK(none.read_reply()->status == 400);
    Connection two{server.port()};
    two.send("GET /health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    CHECK(two.read_reply()->status == 400);
    Connection old{server.port()};
    old.send("GET /health/live HTTP/1.0\r\n\r\n");
    CHECK(old.read_reply()->status == 200);
}

TEST_CASE("a 413 reaches a client that keeps sending its body", "[http]")
{
    auto server = test_server({{"BODY_LIMIT", "1kb"}});
    Connection c{server.port()};
    // The server answers at the head; the unread body must not turn its close into a reset
    // that would destroy the answer on the way.
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Content-Length: 10000000\r\n\r\n");
    c.send(std::string(256 * 1024, ' '));
    auto const reply = c.read_reply();
    REQUIRE(reply);
    CHECK(reply->status == 413);
    CHECK(reply->header("Connection") == "close");
}

TEST_CASE("an absolute-form target is served by its path", "[http]")
{
    auto server = test_server();
    auto const reply = request(server.port(), "GET", "http://127.0.0.1/items/5?q=abs");
    REQUIRE(reply.status == 200);
    CHECK(json::parse(reply.body) == json{{"id", "5"}, {"q", "abs"}});
}
