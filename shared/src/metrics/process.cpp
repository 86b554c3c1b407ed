#include <shop/metrics/process.hpp>
#include <shop/metrics/registry.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <system_error>
#include <unistd.h>

namespace shop::metrics {

namespace {

// Field numbers of /proc/[pid]/stat as proc(5) counts them.
constexpr int kUtimeField = 14;
constexpr int kStimeField = 15;
constexpr int kStartTimeField = 22;
constexpr int kVsizeField = 23;
constexpr int kRssField = 24;

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_{fd} {}
    FileDescriptor(FileDescriptor const&) = delete;
    FileDescriptor& operator=(FileDescriptor const&) = delete;
    ~FileDescriptor()
    {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }

private:
    int fd_;
};

struct DirCloser {
    void operator()(DIR* dir) const { ::closedir(dir); }
};

[[noreturn]] void throw_errno(char const* what)
{
    throw std::system_error{errno, std::generic_category(), what};
}

// Reads a small /proc file into buf without allocating; longer content is cut at buf's size.
std::string_view read_file(char const* path, std::span<char> buf)
{
    FileDescriptor const file{::open(path, O_RDONLY | O_CLOEXEC)};
    if (file.get() < 0) {
        throw_errno(path);
    }
    std::size_t size = 0;
    while (size < buf.size()) {
        auto const n = ::read(file.get(), buf.data() + size, buf.size() - size);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno(path);
        }
        size += static_cast<std::size_t>(n);
    }
    return {buf.data(), size};
}

std::uint64_t parse_u64(std::string_view s)
{
    std::uint64_t value = 0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        throw std::runtime_error{fmt::format("not a number in /proc: '{}'", s)};
    }
    return value;
}

// The command name (field 2) may hold spaces and parentheses, so count from the last ')'.
std::uint64_t stat_field(std::string_view stat, int number)
{
    auto const close = stat.rfind(')');
    if (close == std::string_view::npos) {
        throw std::runtime_error{"malformed /proc/self/stat"};
    }
    auto rest = stat.substr(close + 1);
    for (int field = 3;; ++field) {
        auto const start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) {
            throw std::runtime_error{"short /proc/self/stat"};
        }
        rest.remove_prefix(start);
        auto const end = std::min(rest.find_first_of(" \n"), rest.size());
        if (field == number) {
            return parse_u64(rest.substr(0, end));
        }
        rest.remove_prefix(end);
    }
}

std::uint64_t read_stat_field(int number)
{
    char buf[1024];
    return stat_field(read_file("/proc/self/stat", buf), number);
}

// Boot time from /proc/stat, read once: the file is long on hosts with many CPUs.
double boot_time_seconds()
{
    std::ifstream in{"/proc/stat"};
    std::string key;
    while (in >> key) {
        if (key == "btime") {
            std::uint64_t btime = 0;
            if (in >> btime) {
                return static_cast<double>(btime);
            }
            break;
        }
        in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    throw std::runtime_error{"no btime in /proc/stat"};
}

double count_open_fds()
{
    std::unique_ptr<DIR, DirCloser> const dir{::opendir("/proc/self/fd")};
    if (!dir) {
        throw_errno("/proc/self/fd");
    }
    auto const own = fmt::format_int(::dirfd(dir.get()));
    double count = 0;
    while (auto const* entry = ::readdir(dir.get())) {
        std::string_view const name = entry->d_name;
        if (name != "." && name != ".." && name != own.str()) {
            ++count;
        }
    }
    return count;
}

double max_fds()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        throw_errno("getrlimit");
    }
    return static_cast<double>(limit.rlim_cur);
}

} // namespace

void register_process_metrics(Registry& registry)
{
    auto const ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    auto const page_size = static_cast<double>(::sysconf(_SC_PAGESIZE));
    auto const start_time =
        boot_time_seconds() + static_cast<double>(read_stat_field(kStartTimeField)) / ticks;

    registry.counter_callback(
        "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", [ticks] {
            char buf[1024];
            auto const stat = read_file("/proc/self/stat", buf);
            auto const cpu_ticks = stat_field(stat, kUtimeField) + stat_field(stat, kStimeField);
            return static_cast<double>(cpu_ticks) / ticks;
        });
    registry.gauge_callback("process_open_fds", "Number of open file descriptors.", count_open_fds);
    registry.gauge_callback("process_max_fds", "Maximum number of open file descriptors.", max_fds);
    registry.gauge_callback("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                            [] { return static_cast<double>(read_stat_field(kVsizeField)); });
    registry.gauge_callback(
        "process_resident_memory_bytes", "Resident memory size in bytes.",
        [page_size] { return static_cast<double>(read_stat_field(kRssField)) * page_size; });
    registry.gauge_callback("process_start_time_seconds",
                            "Start time of the process since unix epoch in seconds.",
                            [start_time] { return start_time; });
}

} // namespace shop::metrics
