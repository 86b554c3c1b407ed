#include <shop/config/env.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace std::chrono_literals;
using shop::config::Env;
using shop::config::Error;
using shop::config::parse_dotenv;
using shop::config::Vars;

namespace {

Env env_with(std::string name, std::string value)
{
    return Env{Vars{{std::move(name), std::move(value)}}};
}

std::string error_of(auto&& f)
{
    try {
        f();
    } catch (Error const& e) {
        return e.what();
    }
    return "no error";
}

// A process environment variable for one test; the previous value comes back afterwards.
class ScopedVar {
public:
    ScopedVar(char const* name, char const* value) : name_{name}
    {
        if (auto const* old = std::getenv(name)) {
            old_ = old;
        }
        if (value != nullptr) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~ScopedVar()
    {
        if (old_) {
            ::setenv(name_.c_str(), old_->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ScopedVar(ScopedVar const&) = delete;
    ScopedVar& operator=(ScopedVar const&) = delete;

private:
    std::string name_;
    std::optional<std::string> old_;
};

// A fresh directory holding a .env file, removed afterwards.
class TempDir {
public:
    TempDir()
    {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "config_test.XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error{"mkdtemp failed"};
        }
        path_ = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    TempDir(TempDir const&) = delete;
    TempDir& operator=(TempDir const&) = delete;

    std::filesystem::path write(std::string const& name, std::string const& text) const
    {
        auto const file = path_ / name;
        std::ofstream{file} << text;
        return file;
    }
    std::filesystem::path const& path() const { return path_; }

private:
    std::filesystem::path path_;
};

class ScopedCwd {
public:
    explicit ScopedCwd(std::filesystem::path const& dir) : old_{std::filesystem::current_path()}
    {
        std::filesystem::current_path(dir);
    }
    ~ScopedCwd() { std::filesystem::current_path(old_); }
    ScopedCwd(ScopedCwd const&) = delete;
    ScopedCwd& operator=(ScopedCwd const&) = delete;

private:
    std::filesystem::path old_;
};

} // namespace

// ---- parse_dotenv ------------------------------------------------------------------------------

TEST_CASE("dotenv lines are KEY=VALUE with blank lines and comments skipped", "[config]")
{
    auto const vars = parse_dotenv("# a comment\n\nPORT=3001\n  NODE_ENV = production  \n"
                                   "\t# indented comment\nexport JWT_EXPIRATION=1h\n");
    CHECK(vars == Vars{{"PORT", "3001"}, {"NODE_ENV", "production"}, {"JWT_EXPIRATION", "1h"}});
}

TEST_CASE("dotenv accepts CRLF line endings, no final newline and empty values", "[config]")
{
    CHECK(parse_dotenv("A=1\r\nB=\r\nC=3") == Vars{{"A", "1"}, {"B", ""}, {"C", "3"}});
    CHECK(parse_dotenv("").empty());
    CHECK(parse_dotenv("\n\n").empty());
}

TEST_CASE("dotenv unquoted values end at a comment that follows whitespace", "[config]")
{
    auto const vars =
        parse_dotenv("A=value # note\nB=#fff\nC=a#b\nD= # only a comment\nE=x\t#tab\n");
    CHECK(vars == Vars{{"A", "value"}, {"B", "#fff"}, {"C", "a#b"}, {"D", ""}, {"E", "x"}});
}

TEST_CASE("dotenv single-quoted values are literal", "[config]")
{
    auto const vars = parse_dotenv(R"(A='  spaced # not a comment \n ' # comment)");
    CHECK(vars.at("A") == R"(  spaced # not a comment \n )");
}

TEST_CASE("dotenv double-quoted values support escapes", "[config]")
{
    auto const vars = parse_dotenv(R"(A="line1\nline2 \"q\" back\\slash \t # kept" # comment
B="unknown \x escape")");
    CHECK(vars.at("A") == "line1\nline2 \"q\" back\\slash \t # kept");
    CHECK(vars.at("B") == "unknown \\x escape");
}

TEST_CASE("dotenv keys may hold dots and dashes, and a later line wins", "[config]")
{
    auto const vars = parse_dotenv("a.b-c_D=1\nX=first\nX=second\nexport=3\n");
    CHECK(vars == Vars{{"a.b-c_D", "1"}, {"X", "second"}, {"export", "3"}});
}

TEST_CASE("a malformed dotenv line throws an error naming its line number", "[config]")
{
    CHECK(error_of([] { parse_dotenv("A=1\nJUSTAWORD\n"); }) == "line 2: expected KEY=VALUE");
    CHECK(error_of([] { parse_dotenv("=value"); }) == "line 1: expected KEY=VALUE");
    CHECK(error_of([] { parse_dotenv("\n\nMY KEY=1"); }) == "line 3: expected KEY=VALUE");
    CHECK(error_of([] { parse_dotenv("export FOO"); }) == "line 1: expected KEY=VALUE");
    CHECK(error_of([] { parse_dotenv("1A=x"); }) ==
          "line 1: a variable name cannot start with a digit");
    CHECK(error_of([] { parse_dotenv("A=\"open"); }) == "line 1: unterminated double-quoted value");
    CHECK(error_of([] { parse_dotenv("A=\"ends in escape\\\""); }) ==
          "line 1: unterminated double-quoted value");
    CHECK(error_of([] { parse_dotenv("#\nA='open"); }) ==
          "line 2: unterminated single-quoted value");
    CHECK(error_of([] { parse_dotenv("A=\"x\" y"); }) ==
          "line 1: unexpected text after the closing quote");
    CHECK(error_of([] { parse_dotenv("A='x'y"); }) ==
          "line 1: unexpected text after the closing quote");
}

// ---- Env accessors ------------------------------------------------------------------------------

TEST_CASE("an empty variable counts as unset", "[config]")
{
    Env const env{Vars{{"EMPTY", ""}, {"SET", "x"}}};
    CHECK(env.raw("EMPTY") == std::nullopt);
    CHECK(env.raw("MISSING") == std::nullopt);
    CHECK(env.raw("SET") == "x");
    CHECK(env.string("EMPTY", "fallback") == "fallback");
    CHECK(env.string("SET", "fallback") == "x");
    CHECK(env.integer("EMPTY", 7, 0, 10) == 7);
}

TEST_CASE("integers are parsed strictly and range-checked", "[config]")
{
    CHECK(env_with("N", "42").integer("N", 0, 0, 100) == 42);
    CHECK(env_with("N", "-5").integer("N", 0, -10, 10) == -5);
    CHECK(env_with("N", "9223372036854775807")
              .integer("N", 0, 0, std::numeric_limits<std::int64_t>::max()) ==
          std::numeric_limits<std::int64_t>::max());
    CHECK(env_with("N", "7").integer("OTHER", 3, 0, 10) == 3);
    for (auto const bad : {"abc", "12abc", " 12", "12 ", "+12", "1.5", "0x10", "-", "101", "-11",
                           "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(env_with("N", bad).integer("N", 0, -10, 100), Error);
    }
    CHECK(error_of([] { env_with("WORKERS", "abc").integer("WORKERS", 1, 1, 64); }) ==
          R"(WORKERS="abc": expected an integer from 1 to 64)");
    CHECK(error_of([] {
              env_with("WORKERS", "99999999999999999999").integer("WORKERS", 1, 1, 64);
          }) == R"(WORKERS="99999999999999999999": expected an integer from 1 to 64)");
}

TEST_CASE("ports are 0 to 65535", "[config]")
{
    CHECK(env_with("PORT", "3001").port("PORT", 80) == 3001);
    CHECK(env_with("PORT", "0").port("PORT", 80) == 0);
    CHECK(env_with("PORT", "65535").port("PORT", 80) == 65535);
    CHECK(Env{{}}.port("PORT", 8080) == 8080);
    CHECK(error_of([] { env_with("PORT", "65536").port("PORT", 80); }) ==
          R"(PORT="65536": expected a port from 0 to 65535)");
    CHECK(error_of([] { env_with("PORT", "-1").port("PORT", 80); }) ==
          R"(PORT="-1": expected a port from 0 to 65535)");
    CHECK(error_of([] { env_with("PORT", "abc").port("PORT", 80); }) ==
          R"(PORT="abc": expected a port from 0 to 65535)");
}

TEST_CASE("millis reads a plain number as milliseconds and accepts units", "[config]")
{
    CHECK(env_with("T", "2000").millis("T", 1ms) == 2000ms);
    CHECK(env_with("T", "500ms").millis("T", 1ms) == 500ms);
    CHECK(env_with("T", "10s").millis("T", 1ms) == 10s);
    CHECK(env_with("T", "2m").millis("T", 1ms) == 2min);
    CHECK(env_with("T", "1h").millis("T", 1ms) == 1h);
    CHECK(env_with("T", "1d").millis("T", 1ms) == 24h);
    CHECK(env_with("T", "10S").millis("T", 1ms) == 10s);
    CHECK(env_with("T", "0").millis("T", 1ms) == 0ms);
    CHECK(Env{{}}.millis("T", 250ms) == 250ms);
    for (auto const bad : {"-5", "-5s", "5 s", "1.5s", "5sec", "s", "ms5", "5w",
                           "9223372036854775808", "999999999999999999h"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(env_with("T", bad).millis("T", 1ms), Error);
    }
    CHECK(error_of([] { env_with("CB_TIMEOUT", "fast").millis("CB_TIMEOUT", 1ms); }) ==
          R"(CB_TIMEOUT="fast": expected a duration like 500ms, 10s or 2m )"
          "(a plain number is milliseconds)");
}

TEST_CASE("seconds reads a plain number as seconds and accepts units", "[config]")
{
    CHECK(env_with("T", "3600").seconds("T", 1s) == 1h);
    CHECK(env_with("T", "30s").seconds("T", 1s) == 30s);
    CHECK(env_with("T", "15m").seconds("T", 1s) == 15min);
    CHECK(env_with("T", "1h").seconds("T", 1s) == 1h);
    CHECK(env_with("T", "7d").seconds("T", 1s) == 7 * 24h);
    CHECK(Env{{}}.seconds("T", 5s) == 5s);
    for (auto const bad : {"-1", "1ms", "1y", "h", "1h30m", "99999999999999999d"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(env_with("T", bad).seconds("T", 1s), Error);
    }
    CHECK(error_of([] { env_with("JWT_EXPIRATION", "1 hour").seconds("JWT_EXPIRATION", 1s); }) ==
          R"(JWT_EXPIRATION="1 hour": expected a duration like 30s, 15m, 1h or 7d )"
          "(a plain number is seconds)");
}

TEST_CASE("bytes reads a plain number as bytes and accepts 1024-based units", "[config]")
{
    CHECK(env_with("B", "1048576").bytes("B", 1) == 1048576);
    CHECK(env_with("B", "10b").bytes("B", 1) == 10);
    CHECK(env_with("B", "100kb").bytes("B", 1) == 100 * 1024);
    CHECK(env_with("B", "1mb").bytes("B", 1) == 1024 * 1024);
    CHECK(env_with("B", "1MB").bytes("B", 1) == 1024 * 1024);
    CHECK(env_with("B", "2Gb").bytes("B", 1) == 2ULL << 30);
    CHECK(env_with("B", "1tb").bytes("B", 1) == 1ULL << 40);
    CHECK(Env{{}}.bytes("B", 512) == 512);
    for (auto const bad :
         {"-1", "1k", "1 mb", "1.5mb", "mb", "99999999999999999999", "99999999tb"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(env_with("B", bad).bytes("B", 1), Error);
    }
    CHECK(error_of([] { env_with("BODY_LIMIT", "big").bytes("BODY_LIMIT", 1); }) ==
          R"(BODY_LIMIT="big": expected a size like 1048576, 100kb, 1mb or 1gb)");
}

TEST_CASE("booleans accept true/false, 1/0, yes/no and on/off", "[config]")
{
    for (auto const yes : {"true", "TRUE", "1", "yes", "Yes", "on", "ON"}) {
        CAPTURE(yes);
        CHECK(env_with("F", yes).boolean("F", false));
    }
    for (auto const no : {"false", "False", "0", "no", "NO", "off", "Off"}) {
        CAPTURE(no);
        CHECK_FALSE(env_with("F", no).boolean("F", true));
    }
    CHECK(Env{{}}.boolean("F", true));
    CHECK(error_of([] { env_with("FEATURE", "maybe").boolean("FEATURE", false); }) ==
          R"(FEATURE="maybe": expected true/false, 1/0, yes/no or on/off)");
}

TEST_CASE("one_of matches a choice case-insensitively and returns its spelling", "[config]")
{
    CHECK(env_with("L", "debug").one_of("L", "info", {"trace", "debug", "info"}) == "debug");
    CHECK(env_with("L", "DEBUG").one_of("L", "info", {"trace", "debug", "info"}) == "debug");
    CHECK(Env{{}}.one_of("L", "info", {"trace", "debug", "info"}) == "info");
    CHECK(error_of([] {
              env_with("LOG_LEVEL", "loud").one_of("LOG_LEVEL", "info", {"debug", "info"});
          }) == R"(LOG_LEVEL="loud": expected one of: debug, info)");
}

TEST_CASE("urls must be http or https with a host", "[config]")
{
    for (auto const good :
         {"http://localhost", "http://user-service:3001", "https://example.com/api?x=1",
          "HTTP://EXAMPLE.COM", "http://u:p@host:8080/path", "http://[::1]:3001/",
          "http://10.0.0.1#frag"}) {
        CAPTURE(good);
        CHECK(env_with("U", good).url("U", "") == good);
    }
    for (auto const bad : {"localhost:3001", "ftp://host", "http://", "http:///path", "http://:80",
                           "http://host:0", "http://host:99999", "http://host:abc", "http://ho st",
                           "http://host:", "http://[]:80", "http://[::1", "https://host/a b"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(env_with("U", bad).url("U", ""), Error);
    }
    CHECK(Env{{}}.url("U", "http://fallback") == "http://fallback");
    CHECK(error_of(
              [] { env_with("USER_SERVICE_URL", "localhost:3001").url("USER_SERVICE_URL", ""); }) ==
          R"(USER_SERVICE_URL="localhost:3001": expected an http:// or https:// URL with a host)");
}

TEST_CASE("error messages stay on one line whatever the value holds", "[config]")
{
    CHECK(error_of([] { env_with("P", "1\n2\"\\").port("P", 0); }) ==
          R"(P="1\x0a2\"\\": expected a port from 0 to 65535)");
}

// ---- from_process -------------------------------------------------------------------------------

TEST_CASE("the environment wins over the file named by ENV_FILE", "[config]")
{
    TempDir const dir;
    auto const file = dir.write("test.env", "SHOP_CFG_T1_FILE_ONLY=from-file\n"
                                            "SHOP_CFG_T1_BOTH=from-file\n"
                                            "SHOP_CFG_T1_EMPTY=from-file\n");
    ScopedVar const env_file{"ENV_FILE", file.c_str()};
    ScopedVar const both{"SHOP_CFG_T1_BOTH", "from-env"};
    ScopedVar const empty{"SHOP_CFG_T1_EMPTY", ""};
    ScopedVar const env_only{"SHOP_CFG_T1_ENV_ONLY", "from-env"};

    auto const env = Env::from_process();
    CHECK(env.raw("SHOP_CFG_T1_FILE_ONLY") == "from-file");
    CHECK(env.raw("SHOP_CFG_T1_BOTH") == "from-env");
    CHECK(env.raw("SHOP_CFG_T1_EMPTY") == "from-file");
    CHECK(env.raw("SHOP_CFG_T1_ENV_ONLY") == "from-env");
}

TEST_CASE("a missing ENV_FILE is an error", "[config]")
{
    ScopedVar const env_file{"ENV_FILE", "/nonexistent/shop.env"};
    CHECK(error_of([] { Env::from_process(); }) ==
          R"(ENV_FILE="/nonexistent/shop.env": )"
          "expected a readable .env file (No such file or directory)");
}

TEST_CASE("a malformed line in the env file names the file and the line", "[config]")
{
    TempDir const dir;
    auto const file = dir.write("bad.env", "OK=1\nnot a line\n");
    ScopedVar const env_file{"ENV_FILE", file.c_str()};
    CHECK(error_of([] { Env::from_process(); }) == file.string() + ": line 2: expected KEY=VALUE");
}

TEST_CASE("without ENV_FILE a .env in the current directory is read when present", "[config]")
{
    ScopedVar const env_file{"ENV_FILE", nullptr};
    TempDir const dir;
    ScopedCwd const cwd{dir.path()};
    CHECK(Env::from_process().raw("SHOP_CFG_T2_DOTENV") == std::nullopt);

    dir.write(".env", "SHOP_CFG_T2_DOTENV=yes\n");
    CHECK(Env::from_process().raw("SHOP_CFG_T2_DOTENV") == "yes");
}
