#include <shop/log/log.hpp>
#include <shop/log/writer.hpp>
#include <shop/text/append.hpp>
#include <shop/text/bytes.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace shop::log {
namespace {

using namespace std::string_view_literals;
using text::append_all;
using text::digits;

constexpr std::array<std::pair<std::string_view, Level>, 7> kLevelNames{{
    {"trace", Level::trace},
    {"debug", Level::debug},
    {"info", Level::info},
    {"warn", Level::warn},
    {"error", Level::error},
    {"fatal", Level::fatal},
    {"silent", Level::silent},
}};

constexpr std::size_t kKeepCapacity = 64 << 10; // a line buffer larger than this is not reused

// ---- JSON ------------------------------------------------------------------------------------

// Length of the well-formed UTF-8 sequence starting at `p`, or 0 (Unicode table 3-7: no overlong
// forms, no surrogates, nothing past U+10FFFF).
std::size_t utf8_length(unsigned char const* p, unsigned char const* end)
{
    auto const lead = p[0];
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : 0x80;
        high = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : 0x80;
        high = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (static_cast<std::size_t>(end - p) < length || p[1] < low || p[1] > high) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    return length;
}

void append_escape(std::string& out, unsigned char c)
{
    constexpr std::string_view kHex = "0123456789abcdef";
    switch (c) {
    case '"':
        out += "\\\"";
        break;
    case '\\':
        out += "\\\\";
        break;
    case '\n':
        out += "\\n";
        break;
    case '\r':
        out += "\\r";
        break;
    case '\t':
        out += "\\t";
        break;
    case '\b':
        out += "\\b";
        break;
    case '\f':
        out += "\\f";
        break;
    default:
        if (c >= 0x80) {
            out += "\\ufffd"; // one replacement per byte of a malformed sequence
        } else {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
}

// True when none of the eight bytes in `word` needs a second look: each is plain ASCII,
// neither '"' nor '\\'.
bool all_plain(std::uint64_t word) noexcept
{
    using namespace text::bytes;
    return !(has_high(word) | has_less(word, 0x20) | has(word, '"') | has(word, '\\'));
}

// The length of `text`'s leading run of bytes that need no escaping.
std::size_t plain_prefix(std::string_view text) noexcept
{
    auto const* const begin = reinterpret_cast<unsigned char const*>(text.data());
    auto const* const end = begin + text.size();
    auto const* p = begin;
#if defined(__SSE2__)
    // Sixteen bytes at a time. As signed bytes, the controls and everything from 0x80 up are
    // the ones below 0x20; then the quote and the backslash.
    auto const space = _mm_set1_epi8(0x20);
    auto const quote = _mm_set1_epi8('"');
    auto const backslash = _mm_set1_epi8('\\');
    auto const special = [&](unsigned char const* at) {
        auto const bytes = _mm_loadu_si128(reinterpret_cast<__m128i const*>(at));
        auto const found = _mm_or_si128(
            _mm_cmplt_epi8(bytes, space),
            _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)));
        return static_cast<unsigned>(_mm_movemask_epi8(found));
    };
    for (; end - p >= 16; p += 16) {
        if (auto const mask = special(p); mask != 0) {
            return static_cast<std::size_t>(p - begin) + std::countr_zero(mask);
        }
    }
    if (p != end && text.size() >= 16) {
        // The last sixteen bytes, overlapping those already seen (which are plain).
        auto const mask = special(end - 16) >> (p - (end - 16));
        return mask == 0 ? text.size()
                         : static_cast<std::size_t>(p - begin) + std::countr_zero(mask);
    }
#endif
    for (; end - p >= 8; p += 8) {
        if (!all_plain(text::bytes::load(reinterpret_cast<char const*>(p)))) {
            break;
        }
    }
    while (p < end && detail::is_plain_byte(*p)) {
        ++p;
    }
    return static_cast<std::size_t>(p - begin);
}

bool is_plain(std::string_view text) noexcept
{
    return plain_prefix(text) == text.size();
}

// A quoted JSON string. Most need no escaping and go in at once; otherwise runs of bytes that
// need none are copied in one go.
void append_string(std::string& out, std::string_view text)
{
    auto const plain = plain_prefix(text);
    if (plain == text.size()) {
        append_all(out, "\""sv, text, "\""sv);
        return;
    }
    out += '"';
    auto const* p = reinterpret_cast<unsigned char const*>(text.data()) + plain;
    auto const* const end = reinterpret_cast<unsigned char const*>(text.data()) + text.size();
    auto const* run = reinterpret_cast<unsigned char const*>(text.data());
    while (p < end) {
        p += plain_prefix({reinterpret_cast<char const*>(p), static_cast<std::size_t>(end - p)});
        if (p == end) {
            break;
        }
        auto const c = *p;
        if (c >= 0x80) {
            if (auto const length = utf8_length(p, end); length > 0) {
                p += length;
                continue;
            }
        }
        out.append(reinterpret_cast<char const*>(run), static_cast<std::size_t>(p - run));
        append_escape(out, c);
        run = ++p;
    }
    out.append(reinterpret_cast<char const*>(run), static_cast<std::size_t>(end - run));
    out += '"';
}

// Durations rounded to the microsecond ("responseTime": 6.086) are most of the fractions
// logged: below 1e5 such a number's shortest form is its integer part and at most three
// decimals, written here without the general (slower) algorithm. Others take to_chars.
void append_double(std::string& out, double value)
{
    double const thousandths = std::round(value * 1000);
    if (std::signbit(value) || !(value < 1e5 && thousandths / 1000 == value)) {
        std::array<char, 32> shortest{};
        auto const result =
            std::to_chars(shortest.data(), shortest.data() + shortest.size(), value);
        out.append(shortest.data(), result.ptr);
        return;
    }
    auto const n = static_cast<std::int64_t>(thousandths);
    out.append(digits(fmt::format_int(n / 1000)));
    auto const fraction = static_cast<int>(n % 1000);
    if (fraction == 0)
        return;
    std::array<char, 4> digits{'.', static_cast<char>('0' + fraction / 100),
                               static_cast<char>('0' + fraction / 10 % 10),
                               static_cast<char>('0' + fraction % 10)};
    std::size_t length = digits.size();
    while (digits[length - 1] == '0')
        --length;
    out.append(digits.data(), length);
}

// `,"key":`, the key at once when it is plain (as keys mostly are).
void append_key(std::string& out, Key key)
{
    if (key.plain()) {
        append_all(out, ",\""sv, key.text(), "\":"sv);
        return;
    }
    out += ',';
    append_string(out, key.text());
    out += ':';
}

// `,"key":"value"`, in one go when neither needs escaping.
void append_field(std::string& out, Key key, std::string_view value)
{
    if (key.plain() && is_plain(value)) {
        append_all(out, ",\""sv, key.text(), "\":\""sv, value, "\""sv);
        return;
    }
    append_key(out, key);
    append_string(out, value);
}

// `,"key":` and a value already in JSON (a number).
void append_json_field(std::string& out, Key key, std::string_view json)
{
    if (key.plain()) {
        append_all(out, ",\""sv, key.text(), "\":"sv, json);
        return;
    }
    append_key(out, key);
    out.append(json);
}

// `,"pid":1,"hostname":"h","service":"s"`, rendered once per init.
std::string identity_json(int pid, std::string_view hostname, std::string_view service)
{
    std::string out = ",\"pid\":";
    out.append(digits(fmt::format_int(pid)));
    append_key(out, "hostname");
    append_string(out, hostname);
    append_key(out, "service");
    append_string(out, service);
    return out;
}

void append_head(std::string& out, Level level, std::int64_t epoch_ms, std::string_view identity,
                 Context const& context)
{
    append_all(out, "{\"level\":"sv, digits(fmt::format_int(static_cast<int>(level))),
               ",\"time\":"sv, digits(fmt::format_int(epoch_ms)), identity);
    for (auto const& [key, value] :
         {std::pair{Key{"requestId"}, context.request_id},
          std::pair{Key{"traceId"}, context.trace_id}, std::pair{Key{"spanId"}, context.span_id}}) {
        if (!value.empty()) {
            append_field(out, key, value);
        }
    }
}

void append_tail(std::string& out, std::string_view msg)
{
    append_field(out, "msg", msg);
    out += '}';
}

std::int64_t now_ms()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string hostname()
{
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0) {
        return "unknown";
    }
    return name.data();
}

// ---- the process-wide logger -----------------------------------------------------------------

class Logger {
public:
    Logger()
        : identity_{&identities_.emplace_back(identity_json(::getpid(), hostname(), "unknown"))}
    {
        std::atexit([] { instance().shutdown(); });
    }

    // Never destroyed, as other statics may log from their destructors; atexit stops the writer.
    static Logger& instance()
    {
        union Immortal {
            Logger logger;
            Immortal() : logger{} {}
            ~Immortal() {}
        };
        static Immortal immortal;
        return immortal.logger;
    }

    void init(std::string_view service, Level level, int fd)
    {
        std::lock_guard const lock{lifecycle_};
        writer_.stop();
        identity_ = &identities_.emplace_back(identity_json(::getpid(), hostname(), service));
        level_ = static_cast<int>(level);
        writer_.start(fd, [this](std::uint64_t count) { return dropped_line(count); });
    }

    void shutdown()
    {
        std::lock_guard const lock{lifecycle_};
        writer_.stop();
    }

    bool enabled(Level level) const
    {
        return level < Level::silent &&
               static_cast<int>(level) >= level_.load(std::memory_order_relaxed);
    }

    std::string_view identity() const { return *identity_.load(std::memory_order_acquire); }

    void flush() { writer_.flush(); }

    // Queued, unless the writer is not running: then written to stderr at once. A fatal line is
    // never dropped and is on the fd before this returns.
    void dispatch(Level level, std::string_view line)
    {
        auto const fatal = level >= Level::fatal;
        if (!writer_.push(line, fatal)) {
            std::lock_guard const lock{stderr_mutex_};
            write_all(STDERR_FILENO, line);
        } else if (fatal) {
            writer_.flush();
        }
    }

private:
    std::string dropped_line(std::uint64_t count) const
    {
        std::string out;
        append_head(out, Level::warn, now_ms(), identity(), {});
        append_key(out, "dropped");
        out.append(digits(fmt::format_int(count)));
        append_tail(out, fmt::format("{} log lines dropped", count));
        out += '\n';
        return out;
    }

    std::mutex lifecycle_;
    std::deque<std::string> identities_; // all ever set, so a reader never sees one freed
    std::atomic<std::string const*> identity_;
    std::atomic<int> level_{static_cast<int>(Level::info)};
    std::mutex stderr_mutex_;
    Writer writer_;
};

// A line buffer reused by this thread's Lines; `scratch_gone` guards use from thread_local
// destructors that run after it.
thread_local bool scratch_gone = false;
struct Scratch {
    std::string text;
    ~Scratch() { scratch_gone = true; }
};
thread_local Scratch scratch;

} // namespace

std::optional<Level> parse_level(std::string_view name)
{
    auto const lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    for (auto const& [level_name, level] : kLevelNames) {
        if (std::ranges::equal(name, level_name, {}, lower)) {
            return level;
        }
    }
    return std::nullopt;
}

std::string_view level_name(Level level)
{
    auto const it =
        std::ranges::find(kLevelNames, level, &std::pair<std::string_view, Level>::second);
    return it == kLevelNames.end() ? "unknown" : it->first;
}

void init(std::string_view service, Level level, int fd)
{
    Logger::instance().init(service, level, fd);
}

void shutdown()
{
    Logger::instance().shutdown();
}

bool enabled(Level level)
{
    return Logger::instance().enabled(level);
}

void flush()
{
    Logger::instance().flush();
}

Line::Line(Level level, Context const& context)
    : level_{level}, enabled_{Logger::instance().enabled(level)}
{
    if (!enabled_) {
        return;
    }
    if (!scratch_gone) {
        text_.swap(scratch.text);
        text_.clear();
    }
    append_head(text_, level, now_ms(), Logger::instance().identity(), context);
}

Line::~Line()
{
    // Give the buffer back for the next line (only enabled lines have text).
    if (!text_.empty() && !scratch_gone && text_.capacity() <= kKeepCapacity &&
        text_.capacity() > scratch.text.capacity()) {
        text_.clear();
        scratch.text.swap(text_);
    }
}

Line& Line::field(Key key, std::string_view value)
{
    if (enabled_) {
        append_field(text_, key, value);
    }
    return *this;
}

Line& Line::field(Key key, char const* value)
{
    if (value == nullptr) {
        if (enabled_) {
            append_key(text_, key);
            text_ += "null";
        }
        return *this;
    }
    return field(key, std::string_view{value});
}

Line& Line::field(Key key, bool value)
{
    if (enabled_) {
        append_key(text_, key);
        text_ += value ? "true" : "false";
    }
    return *this;
}

Line& Line::field(Key key, double value)
{
    if (enabled_) {
        append_key(text_, key);
        if (std::isfinite(value)) {
            append_double(text_, value);
        } else {
            text_ += "null"; // as JSON.stringify does
        }
    }
    return *this;
}

Line& Line::signed_field(Key key, std::int64_t value)
{
    if (enabled_) {
        append_json_field(text_, key, digits(fmt::format_int(value)));
    }
    return *this;
}

Line& Line::unsigned_field(Key key, std::uint64_t value)
{
    if (enabled_) {
        append_json_field(text_, key, digits(fmt::format_int(value)));
    }
    return *this;
}

void Line::emit(std::string_view msg)
{
    if (!enabled_) {
        return;
    }
    enabled_ = false;
    append_tail(text_, msg);
    text_ += '\n';
    Logger::instance().dispatch(level_, text_);
}

std::string format_line(Level level, std::int64_t epoch_ms, int pid, std::string_view hostname,
                        std::string_view service, Context const& context,
                        std::string_view fields_json, std::string_view msg)
{
    std::string out;
    append_head(out, level, epoch_ms, identity_json(pid, hostname, service), context);
    out += fields_json;
    append_tail(out, msg);
    return out;
}

namespace detail {

void emit_formatted(Level level, fmt::string_view format, fmt::format_args args)
{
    Line line{level};
    fmt::memory_buffer msg; // on the stack for the usual short message
    fmt::vformat_to(fmt::appender(msg), format, args);
    line.emit({msg.data(), msg.size()});
}

} // namespace detail
} // namespace shop::log
