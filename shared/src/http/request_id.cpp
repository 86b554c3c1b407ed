#include <shop/http/request_id.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <random>

namespace shop::http {

bool is_sane_request_id(std::string_view id) noexcept
{
    if (id.empty() || id.size() > kMaxRequestIdLength)
        return false;
    for (char const c : id) {
        bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok)
            return false;
    }
    return true;
}

std::string new_uuid()
{
    // One generator per thread, seeded from the OS: no lock on the request path.
    thread_local std::mt19937_64 engine{[] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device()};
        return std::mt19937_64{seed};
    }()};
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
        auto const word = engine();
        for (std::size_t j = 0; j < 8; ++j)
            bytes[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
    }
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40); // version 4
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80); // RFC 4122 variant

    // Two hex digits per byte from one table look-up.
    static constexpr auto kHexPairs = [] {
        constexpr std::string_view hex = "0123456789abcdef";
        std::array<std::array<char, 2>, 256> pairs{};
        for (std::size_t i = 0; i < pairs.size(); ++i)
            pairs[i] = {hex[i >> 4], hex[i & 0x0f]};
        return pairs;
    }();
    std::string out(36, '-'); // the dashes stay at 8, 13, 18 and 23
    auto* digit = out.data();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            ++digit;
        std::memcpy(digit, kHexPairs[bytes[i]].data(), 2);
        digit += 2;
    }
    return out;
}

std::string request_id_from(std::string_view header_value)
{
    return is_sane_request_id(header_value) ? std::string{header_value} : new_uuid();
}

} // namespace shop::http
