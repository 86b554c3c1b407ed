#pragma once
// Writing many short pieces into a string: one size check and growth for all of them, then a
// copy of each. Heads and log lines are built of such pieces, where a call to
// std::string::append per piece (each with its own capacity check) costs more than the copy.
#include <fmt/format.h>

#include <array>
#include <cstring>
#include <string>
#include <string_view>

namespace shop::text {

// Writes pieces at a position in room made beforehand (the caller sized it).
class Cursor {
public:
    explicit Cursor(char* at) noexcept : at_{at} {}
    char* at() const noexcept { return at_; }

    void put(std::string_view piece) noexcept
    {
        if (!piece.empty())
            std::memcpy(at_, piece.data(), piece.size());
        at_ += piece.size();
    }

private:
    char* at_;
};

// Appends the pieces, in order, growing `out` once.
template <class... Pieces>
void append_all(std::string& out, Pieces const&... pieces)
{
    std::array<std::string_view, sizeof...(Pieces)> const views{std::string_view{pieces}...};
    std::size_t added = 0;
    for (auto const view : views)
        added += view.size();
    auto const start = out.size();
    out.resize(start + added);
    Cursor cursor{out.data() + start};
    for (auto const view : views)
        cursor.put(view);
}

// An integer's decimal digits as a piece: fmt::format_int writes them into itself, with no
// allocation, and must outlive the view.
inline std::string_view digits(fmt::format_int const& number) noexcept
{
    return {number.data(), number.size()};
}

} // namespace shop::text
