# The order-service and payment-service executables against PostgreSQL and the dev broker.
# One add_test runs the whole binary, so its cases share one PostgreSQL server.
add_executable(shop_order_payment_tests
    integration/order_payment_test.cpp)
target_link_libraries(shop_order_payment_tests PRIVATE shop_test_support shop::shared
    shop::catch_main shop::warnings)
shop_precompiled(shop_order_payment_tests TESTS)
target_compile_definitions(shop_order_payment_tests PRIVATE
    SHOP_ORDER_SERVICE="$<TARGET_FILE:order-service>"
    SHOP_PAYMENT_SERVICE="$<TARGET_FILE:payment-service>"
    SHOP_KAFKA_DEV_BROKER="$<TARGET_FILE:kafka-dev-broker>")
add_dependencies(shop_order_payment_tests order-service payment-service kafka-dev-broker)
add_test(NAME "integration: order and payment services" COMMAND shop_order_payment_tests)
set_tests_properties("integration: order and payment services" PROPERTIES
    LABELS integration TIMEOUT 240)
