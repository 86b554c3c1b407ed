// The simulated payment's decision and its configuration.
#include "payment/decision.hpp"

#include <catch2/catch.hpp>

using namespace shop;
using payment::Money;

namespace {

config::Env env(config::Vars vars)
{
    return config::Env{std::move(vars)};
}

constexpr char const* kOrder = "3f2b8c1e-5d4a-4b6c-9e7f-1a2b3c4d5e6f";

} // namespace

TEST_CASE("an amount up to the limit completes and one cent more fails", "[payment]")
{
    payment::Policy const policy;
    CHECK(payment::decide(Money::from_cents(1'000'000), kOrder, policy).completed);
    auto const over = payment::decide(Money::from_cents(1'000'001), kOrder, policy);
    CHECK_FALSE(over.completed);
    CHECK(over.reason == "amount exceeds limit");
}

TEST_CASE("a completed payment has no reason", "[payment]")
{
    CHECK(payment::decide(Money::from_cents(5997), kOrder, {}).reason.empty());
}

TEST_CASE("a failure rate of one fails every order and zero none", "[payment]")
{
    payment::Policy always;
    always.failure_rate = 1.0;
    auto const failed = payment::decide(Money::from_cents(100), kOrder, always);
    CHECK_FALSE(failed.completed);
    CHECK(failed.reason == "simulated failure");
    CHECK(payment::decide(Money::from_cents(100), kOrder, payment::Policy{}).completed);
}

TEST_CASE("the simulated failures are a stable share of orders", "[payment]")
{
    payment::Policy half;
    half.failure_rate = 0.5;
    int failed = 0;
    for (int i = 0; i < 2000; ++i) {
        auto const id = "order-" + std::to_string(i);
        bool const first = payment::decide(Money::from_cents(100), id, half).completed;
        CHECK(first == payment::decide(Money::from_cents(100), id, half).completed);
        failed += first ? 0 : 1;
    }
    CHECK(failed > 900);
    CHECK(failed < 1100);
    CHECK(payment::share_of(kOrder) == payment::share_of(kOrder));
}

TEST_CASE("amounts are read as exact decimals", "[payment][config]")
{
    CHECK(payment::parse_amount("10000") == Money::from_cents(1'000'000));
    CHECK(payment::parse_amount("10000.5") == Money::from_cents(1'000'050));
    CHECK(payment::parse_amount("0.01") == Money::from_cents(1));
    CHECK_FALSE(payment::parse_amount("1.001"));
    CHECK_FALSE(payment::parse_amount("1."));
    CHECK_FALSE(payment::parse_amount("-1"));
    CHECK_FALSE(payment::parse_amount("ten"));
    CHECK_FALSE(payment::parse_amount(""));
}

TEST_CASE("the policy comes from the environment with working defaults", "[payment][config]")
{
    auto const defaults = payment::Policy::from_env(env({}));
    CHECK(defaults.max_amount == Money::from_cents(1'000'000));
    CHECK(defaults.failure_rate == 0.0);
    auto const set = payment::Policy::from_env(
        env({{"PAYMENT_MAX_AMOUNT", "50.00"}, {"PAYMENT_FAILURE_RATE", "0.25"}}));
    CHECK(set.max_amount == Money::from_cents(5000));
    CHECK(set.failure_rate == 0.25);
}

TEST_CASE("a bad payment setting stops start-up naming the variable", "[payment][config]")
{
    CHECK_THROWS_WITH(payment::Policy::from_env(env({{"PAYMENT_MAX_AMOUNT", "lots"}})),
                      Catch::Contains("PAYMENT_MAX_AMOUNT"));
    CHECK_THROWS_WITH(payment::Policy::from_env(env({{"PAYMENT_FAILURE_RATE", "2"}})),
                      Catch::Contains("PAYMENT_FAILURE_RATE"));
}
