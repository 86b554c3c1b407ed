# The whole event chain: the three service executables on PostgreSQL and the dev broker,
# and the gateway's view of it.
# One add_test runs the whole binary, so its cases share one PostgreSQL server.
add_executable(shop_chain_tests integration/chain_test.cpp)
target_link_libraries(shop_chain_tests PRIVATE shop_test_support shop::shared shop::catch_main
    shop::warnings)
shop_precompiled(shop_chain_tests TESTS)
target_compile_definitions(shop_chain_tests PRIVATE
    SHOP_USER_SERVICE="$<TARGET_FILE:user-service>"
    SHOP_ORDER_SERVICE="$<TARGET_FILE:order-service>"
    SHOP_PAYMENT_SERVICE="$<TARGET_FILE:payment-service>"
    SHOP_API_GATEWAY="$<TARGET_FILE:api-gateway>")
add_dependencies(shop_chain_tests user-service order-service payment-service api-gateway
    kafka-dev-broker)
add_test(NAME "integration: the event chain through the three services" COMMAND shop_chain_tests)
set_tests_properties("integration: the event chain through the three services" PROPERTIES
    LABELS integration TIMEOUT 300)
