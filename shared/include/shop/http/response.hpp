#pragma once
// What a handler returns. The server adds Content-Length, Date, X-Request-Id and the
// connection headers when it serialises the response.
#include <shop/http/error.hpp>
#include <shop/http/stream.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::http {

namespace content_type {
inline constexpr std::string_view kJson = "application/json; charset=utf-8";
inline constexpr std::string_view kText = "text/plain; charset=utf-8";
inline constexpr std::string_view kPrometheus = "text/plain; version=0.0.4; charset=utf-8";
} // namespace content_type

struct Response {
    Status status = Status::ok;
    std::string body;
    // Must name a string with static storage (the constants above, or a literal).
    std::string_view content_type = content_type::kJson;
    std::vector<std::pair<std::string, std::string>> headers;
    // When set, the body is written by this instead of `body` (see stream.hpp).
    std::function<awaitable<void>(Stream&)> stream = {};
    // An answer to HEAD relayed without its body (the gateway's): the Content-Length its
    // upstream declared, sent in place of the empty body's.
    std::optional<std::uint64_t> head_length = {};

    static Response json(Status status, nlohmann::json const& value);
    static Response json(Status status, std::string serialized);
    static Response text(Status status, std::string body,
                         std::string_view type = content_type::kText);
    static Response error(Error const& error, std::string_view request_id);

    Response& header(std::string name, std::string value);
};

} // namespace shop::http
