#pragma once
// Comma lists as configuration and HTTP headers write them: "a, b,,c".
#include <string_view>
#include <vector>

namespace shop::text {

// Without the spaces, tabs and carriage returns at either end.
std::string_view trim(std::string_view text);

// The items between the separators, each trimmed; empty ones are left out:
// "a, b,,c" -> {"a", "b", "c"}. The views point into `text`.
std::vector<std::string_view> split_list(std::string_view text, char separator = ',');

} // namespace shop::text
