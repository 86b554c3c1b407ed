# Release builds are linked with link-time optimisation. Measured on the gateway: a third
# less code (2.6 to 1.8 MB) and about a tenth less user CPU per forwarded request under
# load, where instruction-cache misses weigh more than the instructions themselves.
if(CMAKE_BUILD_TYPE STREQUAL "Release")
    include(CheckIPOSupported)
    check_ipo_supported(RESULT shop_ipo_supported OUTPUT shop_ipo_error LANGUAGES CXX)
    if(shop_ipo_supported)
        set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
    else()
        message(STATUS "link-time optimisation not available: ${shop_ipo_error}")
    endif()
endif()
