#include <shop/log/log.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fcntl.h>
#include <limits>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace shop; // log:: below is shop::log, not ::log
using log::Level;
using Json = nlohmann::ordered_json;

namespace {

std::string read_all(int fd)
{
    std::string text;
    std::array<char, 65536> chunk{};
    for (off_t offset = 0;;) {
        auto const n = ::pread(fd, chunk.data(), chunk.size(), offset);
        if (n <= 0) {
            return text;
        }
        text.append(chunk.data(), static_cast<std::size_t>(n));
        offset += n;
    }
}

template <class J = Json>
std::vector<J> parse_lines(std::string const& text)
{
    REQUIRE((text.empty() || text.back() == '\n')); // the last line is complete
    std::vector<J> lines;
    for (std::size_t pos = 0; pos < text.size();) {
        auto const eol = text.find('\n', pos);
        lines.push_back(J::parse(std::string_view{text}.substr(pos, eol - pos)));
        pos = eol + 1;
    }
    return lines;
}

std::vector<std::string> keys_of(Json const& line)
{
    std::vector<std::string> keys;
    for (auto const& [key, value] : line.items()) {
        keys.push_back(key);
    }
    return keys;
}

std::string host()
{
    std::array<char, 256> name{};
    ::gethostname(name.data(), name.size() - 1);
    return name.data();
}

std::int64_t now_ms()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The logger initialised into an in-memory file for one test.
class Capture {
public:
    explicit Capture(Level level, char const* service = "test-service")
        : fd_{::memfd_create("log_test", MFD_CLOEXEC)}
    {
        REQUIRE(fd_ >= 0);
        log::init(service, level, fd_);
    }
    ~Capture()
    {
        log::shutdown();
        ::close(fd_);
    }
    Capture(Capture const&) = delete;
    Capture& operator=(Capture const&) = delete;

    std::string text() const { return read_all(fd_); } // without flushing
    template <class J = Json>
    std::vector<J> lines() const
    {
        log::flush();
        return parse_lines<J>(text());
    }

private:
    int fd_;
};

std::string msg_json(std::string_view msg)
{
    auto const line = log::format_line(Level::info, 0, 1, "h", "s", {}, "", msg);
    auto const start = line.find(R"("msg":)");
    return line.substr(start + 6, line.size() - start - 7);
}

int formatted_count = 0;

struct Counted {};

} // namespace

template <>
struct fmt::formatter<Counted> : fmt::formatter<std::string_view> {
    auto format(Counted, fmt::format_context& ctx) const
    {
        ++formatted_count;
        return fmt::formatter<std::string_view>::format("counted", ctx);
    }
};

// ---- format ------------------------------------------------------------------------------------

TEST_CASE("format_line writes pino's fields in pino's order", "[log]")
{
    auto const line =
        log::format_line(Level::info, 1700000000123, 1234, "box", "user-service",
                         {"abc", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"},
                         R"(,"status":200,"ms":1.5)", "request done");
    CHECK(line == R"({"level":30,"time":1700000000123,"pid":1234,"hostname":"box",)"
                  R"("service":"user-service","requestId":"abc",)"
                  R"("traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7",)"
                  R"("status":200,"ms":1.5,"msg":"request done"})");
}

TEST_CASE("format_line leaves out empty correlation ids", "[log]")
{
    CHECK(log::format_line(Level::fatal, 5, 7, "h", "svc", {}, "", "") ==
          R"({"level":60,"time":5,"pid":7,"hostname":"h","service":"svc","msg":""})");
    CHECK(
        log::format_line(Level::trace, 5, 7, "h", "svc", {.trace_id = "t"}, "", "m") ==
        R"({"level":10,"time":5,"pid":7,"hostname":"h","service":"svc","traceId":"t","msg":"m"})");
}

TEST_CASE("strings are JSON-escaped", "[log]")
{
    CHECK(msg_json("plain text") == R"("plain text")");
    CHECK(msg_json("say \"hi\"") == R"("say \"hi\"")");
    CHECK(msg_json("C:\\dir") == R"("C:\\dir")");
    CHECK(msg_json("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
    CHECK(msg_json("\x01 \x1f \x7f") == "\"\\u0001 \\u001f \x7f\"");
    CHECK(msg_json(std::string_view{"nul\0byte", 8}) == R"("nul\u0000byte")");
    CHECK(log::format_line(Level::info, 0, 1, "h\"", "s\n", {"r\\"}, "", "") ==
          R"({"level":30,"time":0,"pid":1,"hostname":"h\"",)"
          R"("service":"s\n","requestId":"r\\","msg":""})");
}

TEST_CASE("invalid UTF-8 is replaced and valid multi-byte UTF-8 is kept", "[log]")
{
    CHECK(msg_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    CHECK(msg_json("a\xff") == R"("a\ufffd")");                   // never valid
    CHECK(msg_json("\x80x") == R"("\ufffdx")");                   // lone continuation byte
    CHECK(msg_json("cut \xc3") == R"("cut \ufffd")");             // truncated sequence
    CHECK(msg_json("\xe2\x82x") == R"("\ufffd\ufffdx")");         // truncated in the middle
    CHECK(msg_json("\xc0\xaf") == R"("\ufffd\ufffd")");           // overlong '/'
    CHECK(msg_json("\xe0\x80\xaf") == R"("\ufffd\ufffd\ufffd")"); // overlong
    CHECK(msg_json("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")"); // UTF-16 surrogate
    CHECK(msg_json("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")"); // past U+10FFFF
    CHECK(msg_json("\xf4\x8f\xbf\xbf") == "\"\xf4\x8f\xbf\xbf\"");          // U+10FFFF itself

    auto const parsed =
        Json::parse(log::format_line(Level::info, 0, 1, "h", "s", {}, "", "x\xfe\xc3y\xc3\xa9"));
    CHECK(parsed["msg"] == "x\xef\xbf\xbd\xef\xbf\xbdy\xc3\xa9");
}

TEST_CASE("levels are parsed by pino's names, case-insensitively", "[log]")
{
    CHECK(log::parse_level("trace") == Level::trace);
    CHECK(log::parse_level("debug") == Level::debug);
    CHECK(log::parse_level("info") == Level::info);
    CHECK(log::parse_level("WARN") == Level::warn);
    CHECK(log::parse_level("Error") == Level::error);
    CHECK(log::parse_level("fatal") == Level::fatal);
    CHECK(log::parse_level("silent") == Level::silent);
    for (auto const bad :
         {"", "warning", "information", "30", " info", "info ", "err", "critical"}) {
        CAPTURE(bad);
        CHECK(log::parse_level(bad) == std::nullopt);
    }
    CHECK(log::level_name(Level::warn) == "warn");
    CHECK(static_cast<int>(Level::error) == 50);
}

// ---- the logger --------------------------------------------------------------------------------

TEST_CASE("a line carries fields of each type in the order they were added", "[log]")
{
    Capture const capture{Level::trace};
    std::string const owned = "owned";
    log::Line{Level::info, {"req-1", "trace-1", "span-1"}}
        .field("text", std::string_view{"a\"b"})
        .field("literal", "lit")
        .field("owned", owned)
        .field("null", static_cast<char const*>(nullptr))
        .field("int", -5)
        .field("int64", std::numeric_limits<std::int64_t>::min())
        .field("unsigned", 7U)
        .field("uint64", std::numeric_limits<std::uint64_t>::max())
        .field("short", static_cast<short>(-3))
        .field("double", 0.25)
        .field("nan", std::nan(""))
        .field("yes", true)
        .field("no", false)
        .emit("with fields");

    auto const lines = capture.lines();
    REQUIRE(lines.size() == 1);
    auto const& line = lines[0];
    CHECK(keys_of(line) == std::vector<std::string>{
                               "level",   "time",   "pid",      "hostname", "service", "requestId",
                               "traceId", "spanId", "text",     "literal",  "owned",   "null",
                               "int",     "int64",  "unsigned", "uint64",   "short",   "double",
                               "nan",     "yes",    "no",       "msg"});
    CHECK(line["level"] == 30);
    CHECK(line["pid"] == ::getpid());
    CHECK(line["hostname"] == host());
    CHECK(line["service"] == "test-service");
    CHECK(line["requestId"] == "req-1");
    CHECK(line["traceId"] == "trace-1");
    CHECK(line["spanId"] == "span-1");
    CHECK(line["text"] == "a\"b");
    CHECK(line["literal"] == "lit");
    CHECK(line["owned"] == "owned");
    CHECK(line["null"].is_null());
    CHECK(line["int"] == -5);
    CHECK(line["int64"] == std::numeric_limits<std::int64_t>::min());
    CHECK(line["unsigned"] == 7);
    CHECK(line["uint64"] == std::numeric_limits<std::uint64_t>::max());
    CHECK(line["short"] == -3);
    CHECK(line["double"] == 0.25);
    CHECK(line["nan"].is_null());
    CHECK(line["yes"] == true);
    CHECK(line["no"] == false);
    CHECK(line["msg"] == "with fields");
}

TEST_CASE("the convenience functions format their message", "[log]")
{
    Capture const capture{Level::trace};
    log::trace("t {}", 1);
    log::debug("d {}", "two");
    log::info("i {:>3}", 3);
    log::warn("w {}", 4.5);
    log::error("e {}", std::string{"five"});
    log::fatal("f {}", true);

    auto const lines = capture.lines();
    REQUIRE(lines.size() == 6);
    std::vector<std::pair<int, std::string>> got;
    for (auto const& line : lines) {
        got.emplace_back(line["level"], line["msg"]);
    }
    CHECK(got == std::vector<std::pair<int, std::string>>{{10, "t 1"},
                                                          {20, "d two"},
                                                          {30, "i   3"},
                                                          {40, "w 4.5"},
                                                          {50, "e five"},
                                                          {60, "f true"}});
}

TEST_CASE("lines below the configured level are not written", "[log]")
{
    Capture const capture{Level::warn};
    CHECK_FALSE(log::enabled(Level::debug));
    CHECK_FALSE(log::enabled(Level::info));
    CHECK(log::enabled(Level::warn));
    CHECK(log::enabled(Level::fatal));
    CHECK_FALSE(log::enabled(Level::silent));

    log::debug("hidden");
    log::info("hidden");
    log::Line{Level::info}.field("x", 1).emit("hidden");
    log::Line{Level::error}.field("x", 1); // never emitted
    log::warn("shown {}", 1);
    log::Line{Level::error}.field("x", 2).emit("shown 2");

    auto const lines = capture.lines();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["msg"] == "shown 1");
    CHECK(lines[1]["msg"] == "shown 2");
}

TEST_CASE("the silent level writes nothing, not even fatal lines", "[log]")
{
    Capture const capture{Level::silent};
    log::fatal("hidden");
    log::Line{Level::silent}.emit("hidden");
    CHECK(capture.lines().empty());
}

TEST_CASE("message arguments are only formatted when the level is enabled", "[log]")
{
    Capture const capture{Level::info};
    formatted_count = 0;
    log::debug("{}", Counted{});
    CHECK(formatted_count == 0);
    log::info("{}", Counted{});
    CHECK(formatted_count == 1);
    CHECK(capture.lines().at(0)["msg"] == "counted");
}

TEST_CASE("a fatal line and the lines before it are on the fd when fatal returns", "[log]")
{
    Capture const capture{Level::info};
    for (int i = 0; i < 100; ++i) {
        log::info("before {}", i);
    }
    log::fatal("start-up failed: {}", "boom");
    auto const lines = parse_lines(capture.text()); // no flush
    REQUIRE(lines.size() == 101);
    CHECK(lines[99]["msg"] == "before 99");
    CHECK(lines[100]["level"] == 60);
    CHECK(lines[100]["msg"] == "start-up failed: boom");
}

TEST_CASE("lines from many threads are all written, each thread's in order", "[log]")
{
    constexpr int kThreads = 4;
    constexpr int kPerThread = 10000;
    auto const before = now_ms();
    Capture const capture{Level::info, "user-service"};
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([t] {
                auto const request_id = fmt::format("req-{}", t);
                for (int i = 0; i < kPerThread; ++i) {
                    log::debug("filtered out {}", i);
                    log::Line{Level::info, {.request_id = request_id, .trace_id = "trace"}}
                        .field("thread", t)
                        .field("seq", i)
                        .field("path", "/users/\"quoted\"\n")
                        .emit("request done");
                }
            });
        }
    } // joined: the threads have exited before flush
    auto const lines = capture.lines<nlohmann::json>();
    auto const after = now_ms();

    REQUIRE(lines.size() == kThreads * kPerThread);
    std::array<int, kThreads> next{};
    auto const pid = ::getpid();
    auto const hostname = host();
    int bad = 0;
    for (auto const& line : lines) {
        auto const t = line.at("thread").get<int>();
        auto const ok =
            t >= 0 && t < kThreads && line.at("seq") == next[t]++ && line.at("level") == 30 &&
            line.at("time") >= before && line.at("time") <= after && line.at("pid") == pid &&
            line.at("hostname") == hostname && line.at("service") == "user-service" &&
            line.at("requestId") == fmt::format("req-{}", t) && line.at("traceId") == "trace" &&
            !line.contains("spanId") && line.at("path") == "/users/\"quoted\"\n" &&
            line.at("msg") == "request done";
        if (!ok && bad++ < 3) {
            FAIL_CHECK(line.dump());
        }
    }
    CHECK(bad == 0);
    CHECK(next == std::array<int, kThreads>{kPerThread, kPerThread, kPerThread, kPerThread});
}

TEST_CASE("lines beyond a thread's cap are dropped, counted and reported", "[log]")
{
    std::array<int, 2> pipe_fds{};
    REQUIRE(::pipe2(pipe_fds.data(), O_CLOEXEC) == 0);
    log::init("test-service", Level::info, pipe_fds[1]);

    // Nobody reads the pipe yet, so the writer blocks and this thread's buffer fills past its cap.
    constexpr int kLines = 40000;
    std::string const padding(1000, 'x');
    for (int i = 0; i < kLines; ++i) {
        log::Line{Level::info}.field("seq", i).field("pad", padding).emit("filler");
    }
    std::string received;
    std::thread reader{[&] {
        std::array<char, 65536> chunk{};
        for (ssize_t n; (n = ::read(pipe_fds[0], chunk.data(), chunk.size())) > 0;) {
            received.append(chunk.data(), static_cast<std::size_t>(n));
        }
    }};
    log::flush();
    log::shutdown();
    ::close(pipe_fds[1]);
    reader.join();
    ::close(pipe_fds[0]);

    std::int64_t kept = 0;
    std::int64_t dropped = 0;
    std::int64_t last_seq = -1;
    bool in_order = true;
    for (auto const& line : parse_lines<nlohmann::json>(received)) {
        if (line.at("msg") == "filler") {
            in_order = in_order && line.at("seq").get<std::int64_t>() > last_seq;
            last_seq = line.at("seq");
            ++kept;
        } else {
            CHECK(line.at("level") == 40);
            CHECK(line.at("msg") ==
                  fmt::format("{} log lines dropped", line.at("dropped").get<std::int64_t>()));
            dropped += line.at("dropped").get<std::int64_t>();
        }
    }
    CHECK(in_order);
    CHECK(dropped > 0);
    CHECK(kept + dropped == kLines);
}

TEST_CASE("init again switches the service and the fd", "[log]")
{
    Capture const first{Level::info, "first"};
    log::info("one");
    auto const first_lines = first.lines();
    Capture const second{Level::info, "second"};
    log::info("two");
    CHECK(first.lines().size() == 1);
    REQUIRE(first_lines.size() == 1);
    CHECK(first_lines[0]["service"] == "first");
    auto const second_lines = second.lines();
    REQUIRE(second_lines.size() == 1);
    CHECK(second_lines[0]["service"] == "second");
    CHECK(second_lines[0]["msg"] == "two");
}

TEST_CASE("after shutdown lines go synchronously to stderr", "[log]")
{
    {
        Capture const capture{Level::info, "stderr-test"};
    } // sets the service, then shuts down
    int const captured = ::memfd_create("stderr", MFD_CLOEXEC);
    int const saved = ::dup(STDERR_FILENO);
    REQUIRE((captured >= 0 && saved >= 0));
    ::dup2(captured, STDERR_FILENO);
    log::error("written at once {}", 42);
    log::flush(); // a no-op without a writer
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    auto const lines = parse_lines(read_all(captured));
    ::close(captured);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["level"] == 50);
    CHECK(lines[0]["service"] == "stderr-test");
    CHECK(lines[0]["msg"] == "written at once 42");
}

TEST_CASE("numbers are written in their shortest round-trip form", "[log]")
{
    // Durations to the microsecond take a fast path; it must write what to_chars would.
    std::vector<double> values;
    for (int n = 0; n < 100'000'000; n = n * 3 + 7)
        values.push_back(n / 1000.0);
    for (int n = 0; n < 3'000; n += 7)
        values.push_back(n / 1000.0);
    for (double const v : {0.001, 0.01, 0.1, 0.5, 2.0, 5.47, 6.086, 99'999.999, 100'000.0, 1e6,
                           0.0004, 1.0 / 3, -1.5, -0.0, 123'456.5})
        values.push_back(v);

    Capture const capture{Level::info};
    for (double const v : values)
        log::Line{Level::info, {}}.field("v", v).emit("n");
    log::flush();
    auto const text = capture.text();
    std::size_t at = 0;
    for (double const v : values) {
        std::array<char, 32> digits{};
        auto const end = std::to_chars(digits.data(), digits.data() + digits.size(), v).ptr;
        auto const expected = "\"v\":" + std::string(digits.data(), end) + ",";
        auto const line_end = text.find('\n', at);
        REQUIRE(line_end != std::string::npos);
        INFO("value " << v);
        CHECK(text.substr(at, line_end - at).find(expected) != std::string::npos);
        at = line_end + 1;
    }
}

TEST_CASE("strings round-trip whatever needs escaping and wherever it sits", "[log]")
{
    // Plain runs are scanned sixteen or eight bytes at a time, the last bytes of a text in a
    // block that overlaps the one before: put each kind of byte that needs a second look at
    // every offset of texts around those sizes.
    Capture const capture{Level::info};
    std::vector<std::string> texts;
    for (std::string const special : {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "é", "€", "😀"})
        for (std::size_t const length : {6, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33})
            for (std::size_t i = 0; i <= length; ++i)
                texts.push_back(std::string(i, 'a') + special + std::string(length - i, 'b'));
    for (auto const& text : texts)
        log::Line{Level::info, {}}.field("v", text).emit("n");
    auto const lines = capture.lines();
    REQUIRE(lines.size() == texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i)
        CHECK(lines[i]["v"] == texts[i]);
}

TEST_CASE("keys and messages are escaped like values", "[log]")
{
    // Keys are usually the program's plain words and go in with their punctuation at once;
    // any other is escaped all the same.
    Capture const capture{Level::info};
    log::Line{Level::info, {}}
        .field("quote\"key", "v")
        .field("line\nkey", 7)
        .field("plain", "with \"quote\"")
        .emit("msg \"quoted\"\n");
    auto const lines = capture.lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["quote\"key"] == "v");
    CHECK(lines[0]["line\nkey"] == 7);
    CHECK(lines[0]["plain"] == "with \"quote\"");
    CHECK(lines[0]["msg"] == "msg \"quoted\"\n");
}
