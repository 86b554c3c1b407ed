#pragma once
// The one JSON envelope every event travels in (DESIGN §5):
// {"eventId","eventType","eventVersion","occurredAt","source","correlationId","data"}
#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shop::events {

inline constexpr int kEventVersion = 1;
inline constexpr std::string_view kContentType = "application/json";

// Kafka header names carried by every event.
namespace header {
inline constexpr std::string_view kRequestId = "x-request-id";
inline constexpr std::string_view kTraceparent = "traceparent";
inline constexpr std::string_view kEventType = "event-type";
inline constexpr std::string_view kContentType = "content-type";
} // namespace header

// An event that cannot be processed however often it is retried (bad JSON, unknown
// version, a broken schema): it goes to the dead-letter topic at once.
class InvalidEvent : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using Clock = std::chrono::system_clock;

struct Envelope {
    std::string event_id;   // a UUID, the consumers' deduplication key
    std::string event_type; // the topic name, e.g. "order.created"
    int event_version = kEventVersion;
    Clock::time_point occurred_at;
    std::string source;         // the service that emitted it
    std::string correlation_id; // the X-Request-Id of the request that started the chain
    nlohmann::json data = nlohmann::json::object();

    std::string to_json() const;
    // Throws InvalidEvent naming the first problem.
    static Envelope parse(std::string_view text);
};

// RFC 3339 in UTC with milliseconds: "2026-11-22T03:05:02.123Z".
std::string format_time(Clock::time_point time);
// Accepts RFC 3339 with or without fractional seconds, "Z" or a numeric offset.
std::optional<Clock::time_point> parse_time(std::string_view text);

// Typed access to the fields of an event's data, throwing InvalidEvent on a mismatch.
std::string const& require_string(nlohmann::json const& object, std::string_view key);
Clock::time_point require_time(nlohmann::json const& object, std::string_view key);

} // namespace shop::events
