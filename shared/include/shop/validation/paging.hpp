#pragma once
// ?limit=&offset= for list endpoints, checked with class-validator's wording: a 400 lists
// every broken rule.
#include <shop/http/request.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace shop::validation {

inline constexpr std::int64_t kMaxPageSize = 100;

struct Page {
    std::int64_t limit = 20;
    std::int64_t offset = 0;
};

// limit 1..100 (`default_limit` when absent), offset 0..2^31-1 (0 when absent).
Page parse_page(http::Request const& req, std::int64_t default_limit);
// The same from the raw query values.
Page parse_page(std::optional<std::string> const& limit, std::optional<std::string> const& offset,
                std::int64_t default_limit);

} // namespace shop::validation
