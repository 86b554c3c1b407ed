#pragma once
// ?limit=&offset= with class-validator's messages (400 listing every broken rule).
#include "payment/store.hpp"

#include <shop/http/request.hpp>

namespace shop::payment {

inline constexpr std::int64_t kMaxPageSize = 100;

store::Page parse_page(http::Request const& req);

} // namespace shop::payment
