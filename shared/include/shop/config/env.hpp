#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shop::config {

// One line naming the variable, the bad value and the expected form:
// `PORT="abc": expected a port from 0 to 65535`.
class Error : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

using Vars = std::map<std::string, std::string, std::less<>>;

// KEY=VALUE lines as in a .env file; throws Error{"line N: ..."} on a malformed line.
Vars parse_dotenv(std::string_view text);

// Typed, validated access to configuration variables; an empty value counts as unset.
class Env {
public:
    explicit Env(Vars vars);

    // The process environment plus a .env file: the one named by ENV_FILE (must exist), else
    // ./.env when present. Variables set (non-empty) in the environment win over the file.
    static Env from_process();

    std::optional<std::string> raw(std::string_view name) const;
    std::string string(std::string_view name, std::string_view fallback) const;
    std::int64_t integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                         std::int64_t max) const;
    // 0 asks the OS for a free port.
    std::uint16_t port(std::string_view name, std::uint16_t fallback) const;
    // A plain number is milliseconds; also 500ms, 10s, 2m, 1h, 1d.
    std::chrono::milliseconds millis(std::string_view name,
                                     std::chrono::milliseconds fallback) const;
    // A plain number is seconds; also 30s, 15m, 1h, 7d.
    std::chrono::seconds seconds(std::string_view name, std::chrono::seconds fallback) const;
    // A plain number is bytes; also 100kb, 1mb, 1gb (1024-based, case-insensitive).
    std::size_t bytes(std::string_view name, std::size_t fallback) const;
    // true/false, 1/0, yes/no, on/off (case-insensitive).
    bool boolean(std::string_view name, bool fallback) const;
    // Matches case-insensitively and returns the choice as spelled in `choices`.
    std::string one_of(std::string_view name, std::string_view fallback,
                       std::initializer_list<std::string_view> choices) const;
    // An http:// or https:// URL with a host, returned unchanged.
    std::string url(std::string_view name, std::string_view fallback) const;

private:
    Vars vars_;
};

} // namespace shop::config
