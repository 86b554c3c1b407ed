#pragma once
// ASCII case-insensitive comparison, as HTTP field names and configuration words need.
// Inline and length first: most comparisons of header names fail on the length alone.
#include <string_view>

namespace shop::text {

constexpr char ascii_lower(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

constexpr bool istarts_with(std::string_view text, std::string_view prefix) noexcept
{
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

} // namespace shop::text
