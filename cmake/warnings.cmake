# Warnings for the project's own targets only: link shop::warnings, never global flags.
add_library(shop_warnings INTERFACE)
add_library(shop::warnings ALIAS shop_warnings)
target_compile_options(shop_warnings INTERFACE -Wall -Wextra -Wpedantic -Werror)
# GCC 12 at -O2/-O3 reports libstdc++'s own string concatenation (`std::string(n, c) + "x"`)
# as out-of-bounds or overlapping copies, a known false positive of that release fixed in
# GCC 13. Those three checks are off in its optimised builds only; the Debug and sanitizer
# builds keep them, as errors.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(shop_warnings INTERFACE
        $<$<NOT:$<CONFIG:Debug>>:-Wno-array-bounds -Wno-restrict -Wno-stringop-overflow>)
endif()
