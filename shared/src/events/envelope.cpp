#include <shop/events/envelope.hpp>

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace shop::events {
namespace {

using nlohmann::json;

// Reads exactly `width` digits at `pos`; false when they are not all digits.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int& out)
{
    if (pos + width > text.size())
        return false;
    auto const* first = text.data() + pos;
    auto const [end, ec] = std::from_chars(first, first + width, out);
    return ec == std::errc{} && end == first + width;
}

} // namespace

std::string format_time(Clock::time_point time)
{
    auto const ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    std::time_t const seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", parts.tm_year + 1900,
                       parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                       ((ms % 1000) + 1000) % 1000);
}

std::optional<Clock::time_point> parse_time(std::string_view text)
{
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
        !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
        (text[10] != 'T' && text[10] != 't') || !read_digits(text, 11, 2, hour) ||
        text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
        !read_digits(text, 17, 2, second))
        return std::nullopt;
    std::size_t pos = 19;
    std::chrono::nanoseconds fraction{0};
    if (text[pos] == '.') {
        std::int64_t scale = 100'000'000;
        ++pos;
        std::size_t const digits_start = pos;
        for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
            fraction += std::chrono::nanoseconds{(text[pos] - '0') * scale};
            scale /= 10;
        }
        if (pos == digits_start)
            return std::nullopt;
    }
    std::chrono::minutes offset{0};
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int oh = 0, om = 0;
        if (!read_digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !read_digits(text, pos + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset = std::chrono::minutes{(oh * 60 + om) * (text[pos] == '-' ? -1 : 1)};
        pos += 6;
    } else {
        return std::nullopt;
    }
    using namespace std::chrono;
    year_month_day const date{std::chrono::year{year},
                              std::chrono::month{static_cast<unsigned>(month)},
                              std::chrono::day{static_cast<unsigned>(day)}};
    if (pos != text.size() || !date.ok() || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    auto const utc =
        sys_days{date} + hours{hour} + minutes{minute} + seconds{second} + fraction - offset;
    return time_point_cast<Clock::duration>(utc);
}

std::string Envelope::to_json() const
{
    nlohmann::ordered_json out{{"eventId", event_id},
                               {"eventType", event_type},
                               {"eventVersion", event_version},
                               {"occurredAt", format_time(occurred_at)},
                               {"source", source},
                               {"correlationId", correlation_id}};
    out["data"] = data;
    return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Envelope Envelope::parse(std::string_view text)
{
    auto const value = json::parse(text, nullptr, false);
    if (value.is_discarded())
        throw InvalidEvent{"the message is not JSON"};
    if (!value.is_object())
        throw InvalidEvent{"the envelope is not a JSON object"};
    auto const& version = value.find("eventVersion");
    if (version == value.end() || !version->is_number_integer())
        throw InvalidEvent{"missing field eventVersion"};
    if (version->get<std::int64_t>() != kEventVersion)
        throw InvalidEvent{fmt::format("unknown eventVersion {}", version->get<std::int64_t>())};
    Envelope e;
    e.event_id = require_string(value, "eventId");
    e.event_type = require_string(value, "eventType");
    e.occurred_at = require_time(value, "occurredAt");
    e.source = require_string(value, "source");
    e.correlation_id = require_string(value, "correlationId");
    auto const data = value.find("data");
    if (data == value.end() || !data->is_object())
        throw InvalidEvent{"field data is not an object"};
    e.data = *data;
    if (e.event_id.empty() || e.event_type.empty())
        throw InvalidEvent{"eventId and eventType must not be empty"};
    return e;
}

} // namespace shop::events
