# The user-service executable against a real PostgreSQL and the Kafka dev broker. One ctest
# entry runs the whole binary: its cases share one TempPostgres (initdb costs a second or two).
shop_integration_tests(shop_user_service_tests
    SOURCES integration/user_service_test.cpp
    RUNS user-service kafka-dev-broker)
add_test(NAME "integration: user-service" COMMAND shop_user_service_tests)
set_tests_properties("integration: user-service" PROPERTIES LABELS integration TIMEOUT 180)
