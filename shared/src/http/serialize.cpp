#include <shop/http/serialize.hpp>
#include <shop/text/append.hpp>
#include <shop/text/case.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ctime>

namespace shop::http {
namespace {

using namespace std::string_view_literals;
constexpr auto kCrLf = "\r\n"sv;

bool is_framing_header(std::string_view name)
{
    return text::iequals(name, "content-length"sv) || text::iequals(name, "transfer-encoding"sv) ||
           text::iequals(name, "connection"sv);
}

bool has_header(Response const& response, std::string_view name)
{
    for (auto const& header : response.headers)
        if (text::iequals(header.first, name))
            return true;
    return false;
}

// A CR or LF in a handler's header would let it forge headers: they become spaces.
void put_header(text::Cursor& head, std::string_view name, std::string_view value)
{
    char* const line = head.at();
    head.put(name);
    head.put(": "sv);
    head.put(value);
    std::string_view const written{line, static_cast<std::size_t>(head.at() - line)};
    if (written.find('\r') != std::string_view::npos ||
        written.find('\n') != std::string_view::npos)
        std::replace_if(
            line, head.at(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    head.put(kCrLf);
}

// What a header line can take at most: its name, value and punctuation.
template <class Headers>
std::size_t room_for(Headers const& headers)
{
    std::size_t room = 0;
    for (auto const& [name, value] : headers)
        room += name.size() + value.size() + 4;
    return room;
}

} // namespace

DefaultHeaders::DefaultHeaders(Headers headers) : headers_{std::move(headers)}
{
    lines_.resize(room_for(headers_));
    text::Cursor at{lines_.data()};
    for (auto const& [name, value] : headers_)
        put_header(at, name, value);
    lines_.resize(static_cast<std::size_t>(at.at() - lines_.data()));
}

std::string_view http_date()
{
    thread_local std::time_t cached_second = 0;
    thread_local std::array<char, 32> text{};
    thread_local std::size_t length = 0;
    std::time_t const now = std::time(nullptr);
    if (now != cached_second) {
        std::tm parts{};
        gmtime_r(&now, &parts);
        length = std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
        cached_second = now;
    }
    return {text.data(), length};
}

void serialize_head(std::string& out, Response const& response, HeadOptions const& options)
{
    auto const code = static_cast<unsigned>(response.status);
    fmt::format_int const status{code};
    fmt::format_int const length{response.head_length.value_or(response.body.size())};
    auto const reason = boost::beast::http::obsolete_reason(response.status);
    auto const date = http_date();
    bool const has_content = code >= 200 && code != 204 && code != 304;
    auto const connection = !options.keep_alive ? "Connection: close\r\n"sv
                            : options.http10    ? "Connection: keep-alive\r\n"sv
                                                : ""sv;

    // Room for everything that may be written (the fixed lines' names and punctuation take
    // under 128 bytes), then the head is cut to what was.
    std::size_t room = 128 + status.size() + length.size() + reason.size() + date.size() +
                       response.content_type.size() + options.request_id.size() +
                       room_for(response.headers);
    if (options.default_headers)
        room += options.default_headers->lines().size();
    // A head is a few dozen short pieces: written at a cursor, with no capacity check each.
    out.clear();
    out.resize(room);
    text::Cursor head{out.data()};

    head.put("HTTP/1.1 "sv);
    head.put(text::digits(status));
    head.put(" "sv);
    head.put(reason);
    head.put("\r\nDate: "sv);
    head.put(date);
    head.put(kCrLf);
    if (has_content) {
        head.put("Content-Type: "sv);
        head.put(response.content_type);
        head.put(kCrLf);
        if (!response.stream) { // a stream's body ends when the connection closes
            head.put("Content-Length: "sv);
            head.put(text::digits(length));
            head.put(kCrLf);
        }
    }
    if (!options.request_id.empty()) {
        head.put("X-Request-Id: "sv);
        head.put(options.request_id);
        head.put(kCrLf);
    }
    head.put(connection);
    for (auto const& [name, value] : response.headers)
        if (!is_framing_header(name)) // the server alone frames the message
            put_header(head, name, value);
    if (auto const* defaults = options.default_headers) {
        auto const& all = defaults->headers();
        if (std::ranges::none_of(
                all, [&](auto const& header) { return has_header(response, header.first); }))
            head.put(defaults->lines());
        else
            for (auto const& [name, value] : all)
                if (!has_header(response, name))
                    put_header(head, name, value);
    }
    head.put(kCrLf);
    out.resize(static_cast<std::size_t>(head.at() - out.data()));
}

} // namespace shop::http
