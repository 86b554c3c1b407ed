#pragma once

#include <fmt/core.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

// Pino-compatible JSON lines: {"level":30,"time":<epoch ms>,"pid":..,"hostname":..,"service":..,
// "requestId":..,"traceId":..,"spanId":..,<fields>,"msg":..}. Lines are queued per thread and
// written by a background thread; fatal lines are on the fd when the call returns.
namespace shop::log {

enum class Level : int {
    trace = 10,
    debug = 20,
    info = 30,
    warn = 40,
    error = 50,
    fatal = 60,
    silent = 100
};

// Pino's names, case-insensitive.
std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

// Correlation ids of the current request; empty ones are left out of the line.
struct Context {
    std::string_view request_id{};
    std::string_view trace_id{};
    std::string_view span_id{};
};

// Process-wide. Until init, and after shutdown, lines go synchronously to stderr (before the
// first init with service "unknown"). Calling init again re-initialises (for tests).
void init(std::string_view service, Level level, int fd = 1);
// Writes everything queued and stops the writer thread; idempotent, also run at exit.
void shutdown();
bool enabled(Level level);
// Blocks until every line emitted before the call has reached the fd.
void flush();

namespace detail {
// Integers print as numbers; bool and char have overloads or are rejected as ambiguous.
template <class T>
concept Integer = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char>;

// Printable ASCII other than '"' and '\\': what goes into a JSON string as it is.
constexpr bool is_plain_byte(unsigned char c) noexcept
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}
} // namespace detail

// A field's name: a string literal, looked at as the program is compiled. Keys are the
// program's own words and go into a line as they are; one that JSON must escape (a quote, a
// control character) is escaped as each line is written.
class Key {
public:
    template <std::size_t N>
    consteval Key(char const (&text)[N]) noexcept : text_{text, N - 1}, plain_{plain_ascii(text_)}
    {}
    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool plain() const noexcept { return plain_; }

private:
    static constexpr bool plain_ascii(std::string_view text) noexcept
    {
        for (char const c : text) {
            if (!detail::is_plain_byte(static_cast<unsigned char>(c))) {
                return false;
            }
        }
        return true;
    }

    std::string_view text_;
    bool plain_;
};

// One line with extra fields. A disabled level costs one check in the constructor.
class Line {
public:
    explicit Line(Level level, Context const& context = {});
    ~Line();
    Line(Line const&) = delete;
    Line& operator=(Line const&) = delete;

    Line& field(Key key, std::string_view value);
    Line& field(Key key, char const* value); // a string literal, not a bool
    Line& field(Key key, bool value);
    Line& field(Key key, double value); // NaN and infinities become null
    template <detail::Integer T>
    Line& field(Key key, T value)
    {
        if constexpr (std::is_signed_v<T>) {
            return signed_field(key, value);
        } else {
            return unsigned_field(key, value);
        }
    }

    // Adds "msg" and hands the line to the writer; only the first call counts.
    void emit(std::string_view msg);

private:
    Line& signed_field(Key key, std::int64_t value);
    Line& unsigned_field(Key key, std::uint64_t value);

    Level level_;
    bool enabled_;
    std::string text_;
};

// The line for these values without the trailing newline (for tests and tools);
// `fields_json` is already-formatted `,"key":value` pairs.
std::string format_line(Level level, std::int64_t epoch_ms, int pid, std::string_view hostname,
                        std::string_view service, Context const& context,
                        std::string_view fields_json, std::string_view msg);

namespace detail {
void emit_formatted(Level level, fmt::string_view format, fmt::format_args args);

template <class... A>
void log_at(Level level, fmt::format_string<A...> format, A&&... args)
{
    if (enabled(level)) {
        emit_formatted(level, format, fmt::make_format_args(args...));
    }
}
} // namespace detail

template <class... A>
void trace(fmt::format_string<A...> format, A&&... args)
{
    detail::log_at(Level::trace, format, std::forward<A>(args)...);
}

template <class... A>
void debug(fmt::format_string<A...> format, A&&... args)
{
    detail::log_at(Level::debug, format, std::forward<A>(args)...);
}

template <class... A>
void info(fmt::format_string<A...> format, A&&... args)
{
    detail::log_at(Level::info, format, std::forward<A>(args)...);
}

template <class... A>
void warn(fmt::format_string<A...> format, A&&... args)
{
    detail::log_at(Level::warn, format, std::forward<A>(args)...);
}

template <class... A>
void error(fmt::format_string<A...> format, A&&... args)
{
    detail::log_at(Level::error, format, std::forward<A>(args)...);
}

template <class... A>
void fatal(fmt::format_string<A...> format, A&&... args)
{
    detail::log_at(Level::fatal, format, std::forward<A>(args)...);
}

} // namespace shop::log
