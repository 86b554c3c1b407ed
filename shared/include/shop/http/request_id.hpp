#pragma once
// X-Request-Id rules: a client's id is kept when it is a sane token, else a fresh UUID.
#include <string>
#include <string_view>

namespace shop::http {

inline constexpr std::size_t kMaxRequestIdLength = 128;

// 1..128 characters of [A-Za-z0-9._:-]: safe to log, to put in a header and in JSON.
bool is_sane_request_id(std::string_view id) noexcept;

// A random (version 4) UUID in its canonical lower-case form.
std::string new_uuid();

// The id a request goes by: the client's when sane, else a new UUID.
std::string request_id_from(std::string_view header_value);

} // namespace shop::http
