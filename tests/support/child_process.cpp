#include "child_process.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <map>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
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

[[noreturn]] void fail_errno(std::string const& what)
{
    throw std::system_error{errno, std::generic_category(), what};
}

} // namespace

pid_t spawn(std::vector<std::string> const& args, SpawnOptions const& options)
{
    // Everything the child needs is prepared here: after fork only async-signal-safe calls.
    std::vector<char*> argv;
    for (auto const& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    if (options.env) {
        for (auto const& entry : *options.env)
            envp.push_back(const_cast<char*>(entry.c_str()));
        envp.push_back(nullptr);
    }
    char** const child_env = options.env ? envp.data() : environ;
    int const out = ::open(options.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (out < 0)
        fail_errno("open " + options.log.string());
    int const in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        ::close(out);
        fail_errno("open /dev/null");
    }
    sigset_t no_signals;
    sigemptyset(&no_signals);
    pid_t const parent = ::getpid();

    pid_t const pid = ::fork();
    if (pid == 0) {
        ::pthread_sigmask(SIG_SETMASK, &no_signals, nullptr);
        if (::dup2(in, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0 ||
            ::dup2(out, STDERR_FILENO) < 0)
            ::_exit(126);
        auto const& account = options.account;
        if (account && (::setgroups(0, nullptr) != 0 || ::setgid(account->gid) != 0 ||
                        ::setuid(account->uid) != 0))
            ::_exit(126);
        ::prctl(PR_SET_PDEATHSIG, options.death_signal); // after setuid, which clears it
        if (::getppid() != parent)
            ::_exit(125); // the parent died before prctl
        ::execve(argv[0], argv.data(), child_env);
        ::_exit(127);
    }
    int const fork_errno = errno;
    ::close(out);
    ::close(in);
    if (pid < 0) {
        errno = fork_errno;
        fail_errno("fork " + args.front());
    }
    return pid;
}

ChildProcess::ChildProcess(std::string const& executable, EnvVars const& env)
{
    std::string pattern = (std::filesystem::temp_directory_path() / "shop-test-XXXXXX").string();
    int const fd = ::mkstemp(pattern.data());
    if (fd < 0)
        fail_errno("mkstemp");
    ::close(fd);
    log_path_ = pattern;
    auto const vars = merged_environment(env);
    pid_ = spawn({executable}, {.log = log_path_, .env = &vars});
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
