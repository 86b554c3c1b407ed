#include "child_process.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace shop::test {
namespace {

std::vector<std::string> merged_environment(EnvVars const& extra)
{
    std::map<std::string, std::string> vars;
    for (char** e = environ; *e; ++e) {
        std::string_view const entry{*e};
        auto const eq = entry.find('=');
        if (eq != std::string_view::npos)
            vars[std::string{entry.substr(0, eq)}] = std::string{entry.substr(eq + 1)};
    }
    for (auto const& [key, value] : extra)
        vars[key] = value;
    std::vector<std::string> out;
    for (auto const& [key, value] : vars)
        out.push_back(key + "=" + value);
    return out;
}

} // namespace

ChildProcess::ChildProcess(std::string const& executable, EnvVars const& env)
{
    std::string pattern = (std::filesystem::temp_directory_path() / "shop-test-XXXXXX").string();
    int const fd = ::mkstemp(pattern.data());
    if (fd < 0)
        throw std::system_error{errno, std::generic_category(), "mkstemp"};
    log_path_ = pattern;

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fd, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    auto vars = merged_environment(env);
    std::vector<char*> envp;
    for (auto& v : vars)
        envp.push_back(v.data());
    envp.push_back(nullptr);
    std::string program = executable;
    std::vector<char*> argv{program.data(), nullptr};

    int const rc =
        ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(fd);
    if (rc != 0)
        throw std::system_error{rc, std::generic_category(), "posix_spawn " + executable};
}

ChildProcess::~ChildProcess()
{
    if (!exit_code_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove(log_path_, ignored);
}

void ChildProcess::signal(int sig) const
{
    if (!exit_code_)
        ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_) {
        int status = 0;
        pid_t const r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return exit_code_;
}

std::string ChildProcess::output() const
{
    std::ifstream in{log_path_};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::optional<std::string> ChildProcess::wait_for_line(std::string const& needle,
                                                       std::chrono::milliseconds timeout) const
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::istringstream lines{output()};
        for (std::string line; std::getline(lines, line);)
            if (line.find(needle) != std::string::npos)
                return line;
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
}

} // namespace shop::test
