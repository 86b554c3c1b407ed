# The api-gateway executable in front of real upstreams: the test server, a scripted raw
# socket upstream and a closed port.
add_executable(shop_gateway_tests
    integration/gateway_test.cpp)
target_link_libraries(shop_gateway_tests PRIVATE shop_test_support shop::shared
    shop::catch_main shop::warnings)
shop_precompiled(shop_gateway_tests TESTS)
target_compile_definitions(shop_gateway_tests PRIVATE
    SHOP_TEST_SERVER="$<TARGET_FILE:shop-test-server>"
    SHOP_API_GATEWAY="$<TARGET_FILE:api-gateway>")
add_dependencies(shop_gateway_tests shop-test-server api-gateway)
catch_discover_tests(shop_gateway_tests TEST_PREFIX "integration: gateway/"
    PROPERTIES LABELS integration TIMEOUT 60)
