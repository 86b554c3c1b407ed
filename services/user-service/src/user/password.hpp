#pragma once
// Password hashing with libsodium's argon2id at OWASP's minimum (m=19 MiB, t=2, p=1). Each
// call costs tens of milliseconds of CPU: run it on the blocking pool, never on an I/O thread.
#include <cstddef>
#include <string>
#include <string_view>

namespace shop::user {

inline constexpr unsigned long long kHashIterations = 2;
inline constexpr std::size_t kHashMemoryBytes = 19 * 1024 * 1024;

// The self-describing hash string ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), salted afresh
// on every call. Throws std::runtime_error when libsodium cannot get the memory.
std::string hash_password(std::string_view password);

// Whether `password` is the one `hash` was made from; false for a malformed hash.
bool verify_password(std::string const& hash, std::string_view password);

} // namespace shop::user
