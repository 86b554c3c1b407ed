#include <shop/http/serialize.hpp>

#include <boost/beast/core/string.hpp>
#include <fmt/format.h>

#include <array>
#include <ctime>

namespace shop::http {
namespace {

bool is_framing_header(std::string_view name)
{
    for (std::string_view const framing : {"content-length", "transfer-encoding", "connection"})
        if (boost::beast::iequals(name, framing))
            return true;
    return false;
}

// A CR or LF in a handler's header would let it forge headers: they become spaces.
void append_header(std::string& out, std::string_view name, std::string_view value)
{
    for (std::string_view const part : {name, std::string_view{": "}, value})
        for (char const c : part)
            out.push_back(c == '\r' || c == '\n' ? ' ' : c);
    out += "\r\n";
}

bool has_header(Response const& response, std::string_view name)
{
    for (auto const& header : response.headers)
        if (boost::beast::iequals(header.first, name))
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
    auto it = std::back_inserter(out);
    fmt::format_to(it, "HTTP/1.1 {} {}\r\n", code,
                   boost::beast::http::obsolete_reason(response.status));
    fmt::format_to(it, "Date: {}\r\n", http_date());
    if (code >= 200 && code != 204 && code != 304) {
        fmt::format_to(it, "Content-Type: {}\r\n", response.content_type);
        if (!response.stream) // a stream's body ends when the connection closes
            fmt::format_to(it, "Content-Length: {}\r\n", response.body.size());
    }
    if (!options.request_id.empty())
        fmt::format_to(it, "X-Request-Id: {}\r\n", options.request_id);
    if (!options.keep_alive)
        out += "Connection: close\r\n";
    else if (options.http10)
        out += "Connection: keep-alive\r\n";
    for (auto const& [name, value] : response.headers)
        if (!is_framing_header(name)) // the server alone frames the message
            append_header(out, name, value);
    if (options.default_headers)
        for (auto const& [name, value] : *options.default_headers)
            if (!has_header(response, name))
                append_header(out, name, value);
    out += "\r\n";
}

} // namespace shop::http
