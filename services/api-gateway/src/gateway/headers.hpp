#pragma once
// Headers the pipeline's stages add, as (name, value) pairs. A plain vector, not one held
// inline: the exchange lives in a coroutine frame, and frames above about 1 KB are never
// recycled by Asio's per-thread cache (one allocation of that size per request instead).
#include <string>
#include <utility>
#include <vector>

namespace shop::gateway {

using Headers = std::vector<std::pair<std::string, std::string>>;

} // namespace shop::gateway
