#pragma once
// Appends several pieces to a string at once: one size check and growth for all of them,
// then a copy of each. Heads and log lines are built of many short pieces, where a call to
// std::string::append per piece (each with its own capacity check) costs more than the copy.
#include <array>
#include <cstring>
#include <string>
#include <string_view>

namespace shop::text {

template <class... Pieces>
void append_all(std::string& out, Pieces const&... pieces)
{
    std::array<std::string_view, sizeof...(Pieces)> const views{std::string_view{pieces}...};
    std::size_t added = 0;
    for (auto const view : views)
        added += view.size();
    auto const start = out.size();
    out.resize(start + added);
    char* at = out.data() + start;
    for (auto const view : views) {
        if (!view.empty())
            std::memcpy(at, view.data(), view.size());
        at += view.size();
    }
}

} // namespace shop::text
