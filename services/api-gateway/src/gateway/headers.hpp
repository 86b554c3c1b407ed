#pragma once
// Headers the pipeline's stages add, as (name, value) pairs. Held inline up to a dozen:
// what the stages add to one exchange never allocates a vector.
#include <boost/container/small_vector.hpp>

#include <string>
#include <utility>

namespace shop::gateway {

using Headers = boost::container::small_vector<std::pair<std::string, std::string>, 12>;

} // namespace shop::gateway
