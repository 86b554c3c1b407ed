#include "user/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace shop::user {
namespace {

// sodium_init() once per process, before the first use, whichever thread comes first.
void ensure_sodium()
{
    static bool const ready = sodium_init() >= 0;
    if (!ready)
        throw std::runtime_error{"libsodium could not be initialised"};
}

} // namespace

std::string hash_password(std::string_view password)
{
    ensure_sodium();
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(hash, password.data(), password.size(), kHashIterations,
                              kHashMemoryBytes, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error{"password hashing ran out of memory"};
    return hash;
}

bool verify_password(std::string const& hash, std::string_view password)
{
    ensure_sodium();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

} // namespace shop::user
