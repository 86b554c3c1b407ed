# The order-service and payment-service executables against PostgreSQL and the dev broker.
# One add_test runs the whole binary, so its cases share one PostgreSQL server.
shop_integration_tests(shop_order_payment_tests
    SOURCES integration/order_payment_test.cpp
    RUNS order-service payment-service kafka-dev-broker)
add_test(NAME "integration: order and payment services" COMMAND shop_order_payment_tests)
set_tests_properties("integration: order and payment services" PROPERTIES
    LABELS integration TIMEOUT 240)
