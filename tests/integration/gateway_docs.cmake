# The api-gateway's documentation: the OpenAPI document and Swagger UI over HTTP, and the page
# rendered by Debian's headless Chromium (installed with the other packages by scripts/).
find_program(SHOP_CHROMIUM NAMES chromium chromium-browser)
if(NOT SHOP_CHROMIUM)
    message(STATUS "chromium not found: the gateway docs browser test will fail until it is "
        "installed (scripts/test.sh installs it)")
    set(shop_chromium_path "")
else()
    set(shop_chromium_path "${SHOP_CHROMIUM}")
endif()
add_executable(shop_gateway_docs_tests
    integration/gateway_docs_test.cpp)
target_link_libraries(shop_gateway_docs_tests PRIVATE shop_test_support shop::shared
    shop::catch_main shop::warnings)
shop_precompiled(shop_gateway_docs_tests TESTS)
target_compile_definitions(shop_gateway_docs_tests PRIVATE
    SHOP_API_GATEWAY="$<TARGET_FILE:api-gateway>"
    SHOP_CHROMIUM="${shop_chromium_path}"
    SHOP_SWAGGER_UI_DIR="${PROJECT_SOURCE_DIR}/.local/swagger-ui-dist")
add_dependencies(shop_gateway_docs_tests api-gateway)
catch_discover_tests(shop_gateway_docs_tests TEST_PREFIX "integration: gateway docs/"
    PROPERTIES LABELS integration TIMEOUT 120)
