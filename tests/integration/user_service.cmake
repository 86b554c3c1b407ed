# The user-service executable against a real PostgreSQL and the Kafka dev broker. One ctest
# entry runs the whole binary: its cases share one TempPostgres (initdb costs a second or two).
add_executable(shop_user_service_tests
    integration/user_service_test.cpp)
target_link_libraries(shop_user_service_tests PRIVATE shop_test_support shop::shared
    shop::catch_main shop::warnings)
shop_precompiled(shop_user_service_tests TESTS)
target_compile_definitions(shop_user_service_tests PRIVATE
    SHOP_USER_SERVICE="$<TARGET_FILE:user-service>"
    SHOP_KAFKA_DEV_BROKER="$<TARGET_FILE:kafka-dev-broker>")
add_dependencies(shop_user_service_tests user-service kafka-dev-broker)
add_test(NAME "integration: user-service" COMMAND shop_user_service_tests)
set_tests_properties("integration: user-service" PROPERTIES LABELS integration TIMEOUT 180)
