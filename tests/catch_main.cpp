// The one Catch2 main of every test executable (tests link shop::catch_main): catch.hpp's
// runner is the costliest file of the build and is compiled once.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
