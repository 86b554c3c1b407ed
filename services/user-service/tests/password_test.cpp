// Password hashing: argon2id at OWASP's parameters, salted, verifiable.
#include "user/password.hpp"

#include <catch2/catch.hpp>

using shop::user::hash_password;
using shop::user::verify_password;

TEST_CASE("a hash verifies against its own password", "[unit][password]")
{
    auto const hash = hash_password("SecurePass123!");
    CHECK(verify_password(hash, "SecurePass123!"));
}

TEST_CASE("a wrong password does not verify", "[unit][password]")
{
    auto const hash = hash_password("SecurePass123!");
    CHECK_FALSE(verify_password(hash, "SecurePass123"));
    CHECK_FALSE(verify_password(hash, "securepass123!"));
    CHECK_FALSE(verify_password(hash, ""));
}

TEST_CASE("the hash is argon2id with m=19456 t=2 p=1", "[unit][password]")
{
    auto const hash = hash_password("SecurePass123!");
    CHECK(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
    CHECK(hash.find("SecurePass123!") == std::string::npos);
}

TEST_CASE("two hashes of one password differ", "[unit][password]")
{
    auto const first = hash_password("SecurePass123!");
    auto const second = hash_password("SecurePass123!");
    CHECK(first != second);
    CHECK(verify_password(second, "SecurePass123!"));
}

TEST_CASE("a malformed hash verifies nothing", "[unit][password]")
{
    CHECK_FALSE(verify_password("", "SecurePass123!"));
    CHECK_FALSE(verify_password("$argon2id$garbage", "SecurePass123!"));
}
