# Warnings for the project's own targets only: link shop::warnings, never global flags.
add_library(shop_warnings INTERFACE)
add_library(shop::warnings ALIAS shop_warnings)
target_compile_options(shop_warnings INTERFACE -Wall -Wextra -Wpedantic -Werror)
