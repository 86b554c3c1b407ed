# SHOP_SANITIZERS is a comma list passed to -fsanitize= (the asan preset sets "address,undefined").
set(SHOP_SANITIZERS "" CACHE STRING "Sanitizers for the project's targets, e.g. address,undefined")

add_library(shop_sanitizers INTERFACE)
add_library(shop::sanitizers ALIAS shop_sanitizers)
if(SHOP_SANITIZERS)
    target_compile_options(shop_sanitizers INTERFACE
        -fsanitize=${SHOP_SANITIZERS} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(shop_sanitizers INTERFACE -fsanitize=${SHOP_SANITIZERS})
endif()
