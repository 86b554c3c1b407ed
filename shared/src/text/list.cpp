#include <shop/text/list.hpp>

namespace shop::text {

std::string_view trim(std::string_view text)
{
    constexpr std::string_view kSpace = " \t\r";
    auto const first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::vector<std::string_view> split_list(std::string_view text, char separator)
{
    std::vector<std::string_view> items;
    for (;;) {
        auto const at = text.find(separator);
        if (auto const item = trim(text.substr(0, at)); !item.empty())
            items.push_back(item);
        if (at == std::string_view::npos)
            return items;
        text.remove_prefix(at + 1);
    }
}

} // namespace shop::text
