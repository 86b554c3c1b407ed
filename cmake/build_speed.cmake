# Compile the heavy parts once per build instead of once per file.

# One Catch2 main for every test executable.
add_library(shop_catch_main STATIC ${PROJECT_SOURCE_DIR}/tests/catch_main.cpp)
add_library(shop::catch_main ALIAS shop_catch_main)
target_link_libraries(shop_catch_main PUBLIC Catch2::Catch2 shop::sanitizers)

# Precompiled third-party headers. The shared library builds them; service code reuses its
# copy, test code reuses the shared unit tests' copy (which adds catch.hpp). GCC refuses a
# precompiled header built with other flags, and -Winvalid-pch turns that into an error.
set(SHOP_PCH_HEADERS
    <boost/asio/awaitable.hpp> <boost/asio/co_spawn.hpp> <boost/asio/io_context.hpp>
    <boost/asio/ip/tcp.hpp> <boost/asio/steady_timer.hpp> <boost/asio/use_awaitable.hpp>
    <boost/beast/http/message.hpp> <boost/beast/http/string_body.hpp>
    <nlohmann/json.hpp> <fmt/format.h>
    <chrono> <functional> <map> <memory> <optional> <string> <string_view> <vector>)

# shop_precompiled(<target> SHARED|SERVICE|UNIT_TESTS|TESTS)
function(shop_precompiled target kind)
    target_compile_options(${target} PRIVATE -Winvalid-pch)
    if(kind STREQUAL "SHARED")
        target_precompile_headers(${target} PRIVATE ${SHOP_PCH_HEADERS})
    elseif(kind STREQUAL "SERVICE")
        target_precompile_headers(${target} REUSE_FROM shop_shared)
    elseif(kind STREQUAL "UNIT_TESTS")
        target_precompile_headers(${target} PRIVATE ${SHOP_PCH_HEADERS} <catch2/catch.hpp>)
    elseif(kind STREQUAL "TESTS")
        target_precompile_headers(${target} REUSE_FROM shop_shared_tests)
    else()
        message(FATAL_ERROR "shop_precompiled: unknown kind ${kind}")
    endif()
endfunction()
