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
shop_integration_tests(shop_gateway_docs_tests
    SOURCES integration/gateway_docs_test.cpp
    RUNS api-gateway
    DEFINES SHOP_CHROMIUM="${shop_chromium_path}"
        SHOP_SWAGGER_UI_DIR="${PROJECT_SOURCE_DIR}/.local/swagger-ui-dist")
catch_discover_tests(shop_gateway_docs_tests TEST_PREFIX "integration: gateway docs/"
    PROPERTIES LABELS integration TIMEOUT 120)
