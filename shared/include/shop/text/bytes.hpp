#pragma once
// Questions about the bytes of a text answered eight at a time: each byte of a 64-bit word is
// tested at once with carries that cannot cross into a byte that decides the answer. Request
// targets and the short tails of log values are scanned this way instead of byte by byte.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace shop::text::bytes {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHigh = kOnes * 0x80;

// True when one of the eight bytes is zero.
constexpr bool has_zero(std::uint64_t word) noexcept
{
    return ((word - kOnes) & ~word & kHigh) != 0;
}

constexpr bool has(std::uint64_t word, unsigned char c) noexcept
{
    return has_zero(word ^ (kOnes * c));
}

// True when one of the eight bytes is below `n` (n at most 0x80).
constexpr bool has_less(std::uint64_t word, unsigned char n) noexcept
{
    return ((word - kOnes * n) & ~word & kHigh) != 0;
}

// True when one of the eight bytes is 0x80 or more.
constexpr bool has_high(std::uint64_t word) noexcept
{
    return (word & kHigh) != 0;
}

// The eight bytes at `at`, in memory order.
inline std::uint64_t load(char const* at) noexcept
{
    std::uint64_t word = 0;
    std::memcpy(&word, at, sizeof word);
    return word;
}

// True when `test` holds for some eight bytes of `text`, or, in a text shorter than eight,
// `byte_test` for one of its bytes. The tests must look at each byte alone: the last eight
// bytes are tested as one word that overlaps the word before.
template <class WordTest, class ByteTest>
bool any(std::string_view text, WordTest test, ByteTest byte_test) noexcept
{
    auto const size = text.size();
    if (size < 8) {
        for (char const c : text)
            if (byte_test(static_cast<unsigned char>(c)))
                return true;
        return false;
    }
    for (std::size_t i = 0; i + 8 < size; i += 8)
        if (test(load(text.data() + i)))
            return true;
    return test(load(text.data() + size - 8));
}

} // namespace shop::text::bytes
