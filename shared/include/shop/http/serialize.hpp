#pragma once
// Writes a response head straight into a reused buffer: no per-response allocation.
#include <shop/http/response.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::http {

// Headers a server adds to every response that has none of that name, written once into
// the lines they take in a head.
class DefaultHeaders {
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;
    explicit DefaultHeaders(Headers headers);

    Headers const& headers() const noexcept { return headers_; }
    std::string_view lines() const noexcept { return lines_; }

private:
    Headers headers_;
    std::string lines_;
};

struct HeadOptions {
    std::string_view request_id;
    bool keep_alive = true;
    bool http10 = false; // an HTTP/1.0 client needs "Connection: keep-alive" to keep it
    DefaultHeaders const* default_headers = nullptr;
};

// Writes the status line, headers and the blank line to `out` (cleared first). Responses
// that cannot have a body (1xx, 204, 304) get no content headers; a handler's own
// Content-Length, Transfer-Encoding or Connection header is dropped.
void serialize_head(std::string& out, Response const& response, HeadOptions const& options);

// The current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), formatted once a second per
// thread.
std::string_view http_date();

} // namespace shop::http
