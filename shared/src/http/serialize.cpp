#include <shop/http/serialize.hpp>
#include <shop/text/append.hpp>
#include <shop/text/case.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ctime>

namespace shop::http {
namespace {

// The head's fixed pieces are string views, not C strings: appending one then costs no strlen
// (a response head appends a few dozen of them), and a line's pieces go in at once.
using namespace std::string_view_literals;
using text::append_all;
constexpr auto kCrLf = "\r\n"sv;

bool is_framing_header(std::string_view name)
{
    return text::iequals(name, "content-length"sv) || text::iequals(name, "transfer-encoding"sv) ||
           text::iequals(name, "connection"sv);
}

// A CR or LF in a handler's header would let it forge headers: they become spaces.
void append_header(std::string& out, std::string_view name, std::string_view value)
{
    auto const start = out.size();
    append_all(out, name, ": "sv, value, kCrLf);
    char* const line = out.data() + start;
    std::size_t const length = out.size() - start - kCrLf.size();
    std::string_view const added{line, length};
    if (added.find('\r') != std::string_view::npos || added.find('\n') != std::string_view::npos)
        std::replace_if(
            line, line + length, [](char c) { return c == '\r' || c == '\n'; }, ' ');
}

std::string_view digits(fmt::format_int const& number)
{
    return {number.data(), number.size()};
}

bool has_header(Response const& response, std::string_view name)
{
    for (auto const& header : response.headers)
        if (text::iequals(header.first, name))
            return true;
    return false;
}

} // namespace

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
    out.clear();
    auto const code = static_cast<unsigned>(response.status);
    append_all(out, "HTTP/1.1 "sv, digits(fmt::format_int(code)), " "sv,
               boost::beast::http::obsolete_reason(response.status), "\r\nDate: "sv, http_date(),
               kCrLf);
    if (code >= 200 && code != 204 && code != 304) {
        append_all(out, "Content-Type: "sv, response.content_type, kCrLf);
        if (!response.stream) // a stream's body ends when the connection closes
            append_all(out, "Content-Length: "sv, digits(fmt::format_int(response.body.size())),
                       kCrLf);
    }
    if (!options.request_id.empty())
        append_all(out, "X-Request-Id: "sv, options.request_id, kCrLf);
    if (!options.keep_alive)
        out.append("Connection: close\r\n"sv);
    else if (options.http10)
        out.append("Connection: keep-alive\r\n"sv);
    for (auto const& [name, value] : response.headers)
        if (!is_framing_header(name)) // the server alone frames the message
            append_header(out, name, value);
    if (options.default_headers)
        for (auto const& [name, value] : *options.default_headers)
            if (!has_header(response, name))
                append_header(out, name, value);
    out.append(kCrLf);
}

} // namespace shop::http
