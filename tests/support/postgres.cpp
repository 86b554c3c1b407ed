#include "postgres.hpp"

#include "child_process.hpp"

#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <pqxx/nontransaction>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <optional>
#include <pwd.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <vector>

namespace shop::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr char const* kUser = "postgres";
constexpr char const* kPassword = "postgres";

[[noreturn]] void fail_errno(std::string const& what)
{
    throw std::system_error{errno, std::generic_category(), what};
}

// PostgreSQL refuses to run as root: then it runs as the postgres system user.
std::optional<Account> server_account()
{
    if (::geteuid() != 0) {
        return std::nullopt;
    }
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16 * 1024);
    if (::getpwnam_r(kUser, &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
        throw std::runtime_error{"running as root, but there is no `postgres` user to run the "
                                 "test database server as (apt-get install postgresql)"};
    }
    return Account{entry.pw_uid, entry.pw_gid};
}

// SHOP_PG_BINDIR, else Debian's /usr/lib/postgresql/<major>/bin, the newest major.
fs::path find_bin_dir()
{
    if (auto const* dir = std::getenv("SHOP_PG_BINDIR"); dir && *dir) {
        return dir;
    }
    std::vector<std::string> majors;
    std::error_code ec;
    for (auto const& entry : fs::directory_iterator{"/usr/lib/postgresql", ec}) {
        if (fs::exists(entry.path() / "bin" / "postgres", ec)) {
            majors.push_back(entry.path().filename().string());
        }
    }
    if (majors.empty()) {
        throw std::runtime_error{"PostgreSQL server binaries not found in "
                                 "/usr/lib/postgresql/*/bin (apt-get install postgresql, or "
                                 "set SHOP_PG_BINDIR)"};
    }
    auto const newest = std::max_element(majors.begin(), majors.end(), [](auto& a, auto& b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    return fs::path{"/usr/lib/postgresql"} / *newest / "bin";
}

fs::path make_temp_dir()
{
    auto pattern = (fs::temp_directory_path() / "shop-pg-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        fail_errno("mkdtemp " + pattern);
    }
    return pattern;
}

void give_to(fs::path const& path, std::optional<Account> const& account)
{
    if (account && ::chown(path.c_str(), account->uid, account->gid) != 0) {
        fail_errno("chown " + path.string());
    }
}

// `args` with its output appended to `log`, as `account` when given. The child gets SIGQUIT
// (PostgreSQL's immediate shutdown) when the thread that started it dies.
pid_t spawn(std::vector<std::string> const& args, fs::path const& log,
            std::optional<Account> const& account)
{
    return test::spawn(args, {.log = log, .death_signal = SIGQUIT, .account = account});
}

// The exit status once `pid` ended within `timeout`.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t const r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) {
            return status;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(5ms);
    }
}

// A loopback port that was free a moment ago.
std::uint16_t free_port()
{
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail_errno("socket");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    auto* const raw = reinterpret_cast<sockaddr*>(&address);
    if (::bind(fd, raw, sizeof address) != 0 || ::getsockname(fd, raw, &length) != 0) {
        int const error = errno;
        ::close(fd);
        errno = error;
        fail_errno("bind 127.0.0.1:0");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// postmaster.pid holds the server's pid on line 1 and its status on line 8, "ready" once it
// accepts connections (a stale file from a killed server names another pid).
bool postmaster_ready(fs::path const& data, pid_t pid)
{
    std::ifstream in{data / "postmaster.pid"};
    std::string first;
    std::string line;
    std::getline(in, first);
    for (int i = 1; i < 8 && std::getline(in, line); ++i) {
    }
    return in && first == std::to_string(pid) && line.starts_with("ready");
}

// The last few kB of a log file, for error messages.
std::string tail_of(fs::path const& log)
{
    std::ifstream in{log};
    std::ostringstream text;
    text << in.rdbuf();
    auto const all = std::move(text).str();
    return all.size() <= 4000 ? all : all.substr(all.size() - 4000);
}

// Runs a program to its end; throws with its output when it fails.
void run(std::vector<std::string> const& args, fs::path const& log,
         std::optional<Account> const& account)
{
    auto const pid = spawn(args, log, account);
    auto const status = wait_exit(pid, 120s);
    if (!status) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
        throw std::runtime_error{args.front() + " failed:\n" + tail_of(log)};
    }
}

} // namespace

// Delegating: once the directory is ours the object counts as constructed, so a failure
// below runs the destructor, which removes the directory and stops a started server.
TempPostgres::TempPostgres() : TempPostgres{make_temp_dir()}
{
    bin_dir_ = find_bin_dir();
    auto const account = server_account();
    give_to(dir_, account);
    auto const password_file = dir_ / "password";
    std::ofstream{password_file} << kPassword << '\n';
    give_to(password_file, account);
    run({(bin_dir_ / "initdb").string(), "--pgdata", (dir_ / "data").string(), "--username", kUser,
         "--pwfile", password_file.string(), "--auth", "scram-sha-256", "--encoding", "UTF8",
         "--locale", "C", "--no-sync", "--no-instructions"},
        dir_ / "server.log", account);
    fs::remove(password_file);

    // The free port may be taken before the server binds it: then another one.
    for (int attempt = 0;; ++attempt) {
        port_ = free_port();
        try {
            launch();
            return;
        } catch (std::runtime_error const&) {
            if (attempt == 4 || log_tail().find("Address already in use") == std::string::npos) {
                throw;
            }
        }
    }
}

TempPostgres::TempPostgres(fs::path dir) : dir_{std::move(dir)} {}

TempPostgres::~TempPostgres()
{
    stop();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

std::uint16_t TempPostgres::port() const noexcept
{
    return port_;
}

std::string TempPostgres::url(std::string_view database) const
{
    std::ostringstream out;
    out << "postgresql://" << kUser << ':' << kPassword << "@127.0.0.1:" << port_ << '/'
        << database;
    return out.str();
}

std::string TempPostgres::create_database(std::string const& name)
{
    pqxx::connection admin{url("postgres")};
    pqxx::quiet_errorhandler quiet{admin}; // no "does not exist, skipping" on stderr
    pqxx::nontransaction tx{admin};
    // Names cannot be parameters: quote_name makes any name one safe identifier.
    auto const database = tx.quote_name(name);
    tx.exec0("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    tx.exec0("CREATE DATABASE " + database);
    return url(name);
}

bool TempPostgres::running() const noexcept
{
    return pid_ > 0;
}

void TempPostgres::start()
{
    if (!running()) {
        launch();
    }
}

void TempPostgres::stop()
{
    if (!running()) {
        return;
    }
    // Fast shutdown; should it hang, immediate shutdown, then no more asking.
    ::kill(pid_, SIGINT);
    if (!wait_exit(pid_, 30s)) {
        ::kill(pid_, SIGQUIT);
        if (!wait_exit(pid_, 5s)) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    pid_ = -1;
}

void TempPostgres::launch()
{
    auto const data = dir_ / "data";
    pid_ =
        spawn({(bin_dir_ / "postgres").string(), "-D", data.string(), "-p", std::to_string(port_),
               "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c",
               "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
               "shared_buffers=16MB", "-c", "max_connections=60"},
              dir_ / "server.log", server_account());
    auto const deadline = std::chrono::steady_clock::now() + 60s;
    while (!postmaster_ready(data, pid_)) {
        if (wait_exit(pid_, 0ms)) {
            pid_ = -1;
            throw std::runtime_error{"postgres did not start on port " + std::to_string(port_) +
                                     ":\n" + log_tail()};
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            stop();
            throw std::runtime_error{"postgres not ready within 60 s:\n" + log_tail()};
        }
        std::this_thread::sleep_for(10ms);
    }
}

std::string TempPostgres::log_tail() const
{
    return tail_of(dir_ / "server.log");
}

} // namespace shop::test
