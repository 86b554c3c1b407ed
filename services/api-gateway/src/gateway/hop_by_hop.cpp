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
    using namespace std::string_view_literals; // no strlen per name and call
    for (auto const fixed :
         {"connection"sv, "keep-alive"sv, "te"sv, "transfer-encoding"sv, "upgrade"sv, "trailer"sv})
        if (iequals(name, fixed))
            return true;
    if (text::istarts_with(name, "proxy-"))
        return true;
    return std::ranges::any_of(connection_options,
                               [name](std::string const& option) { return iequals(name, option); });
}

} // namespace shop::gateway
