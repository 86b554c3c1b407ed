#pragma once
// A child process for tests: started with extra environment variables, its stdout and
// stderr captured in a temporary file, killed and reaped when the object goes away, and
// killed by the kernel should the test process die first, so a failing test never leaves a
// process behind.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace shop::test {

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// Whom a spawned program runs as (PostgreSQL refuses root).
struct Account {
    uid_t uid;
    gid_t gid;
};

struct SpawnOptions {
    std::filesystem::path log;                     // stdout and stderr are appended here
    std::vector<std::string> const* env = nullptr; // "NAME=value" each; null: this process's
    int death_signal = SIGKILL;                    // sent when the spawning thread ends
    std::optional<Account> account = {};           // run as this user (when root)
};

// fork + exec of args[0] with args, stdin from /dev/null. The child gets death_signal when
// the thread that spawned it ends, also by a crash: a test that dies leaves no server behind.
pid_t spawn(std::vector<std::string> const& args, SpawnOptions const& options);

class ChildProcess {
public:
    ChildProcess(std::string const& executable, EnvVars const& env);
    ~ChildProcess();
    ChildProcess(ChildProcess const&) = delete;
    ChildProcess& operator=(ChildProcess const&) = delete;

    pid_t pid() const noexcept { return pid_; }
    void signal(int sig) const;
    // The exit code once the process ended within `timeout` (128+N when killed by signal N).
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    // Everything the process printed so far.
    std::string output() const;
    // The first output line containing `needle`, waiting up to `timeout` for it.
    std::optional<std::string> wait_for_line(std::string const& needle,
                                             std::chrono::milliseconds timeout) const;

private:
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    std::filesystem::path log_path_;
};

} // namespace shop::test
