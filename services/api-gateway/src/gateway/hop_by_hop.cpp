#include "gateway/hop_by_hop.hpp"

#include <shop/text/case.hpp>
#include <shop/text/list.hpp>

#include <algorithm>

namespace shop::gateway {
namespace {

std::string lower(std::string_view text)
{
    std::string out{text};
    std::ranges::transform(out, out.begin(), text::ascii_lower);
    return out;
}

} // namespace

std::vector<std::string> connection_options(std::vector<std::string_view> const& connection_values)
{
    std::vector<std::string> options;
    for (auto const value : connection_values)
        for (auto const token : text::split_list(value))
            options.push_back(lower(token));
    return options;
}

bool is_hop_by_hop(std::string_view name, std::vector<std::string> const& connection_options)
{
    using text::iequals;
    for (std::string_view const fixed :
         {"connection", "keep-alive", "te", "transfer-encoding", "upgrade", "trailer"})
        if (iequals(name, fixed))
            return true;
    if (text::istarts_with(name, "proxy-"))
        return true;
    return std::ranges::any_of(connection_options,
                               [name](std::string const& option) { return iequals(name, option); });
}

} // namespace shop::gateway
