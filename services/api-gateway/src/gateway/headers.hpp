#pragma once
#include <string>
#include <utility>
#include <vector>

namespace shop::gateway {

using Headers = std::vector<std::pair<std::string, std::string>>;

} // namespace shop::gateway
