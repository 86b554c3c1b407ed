# The outbox relay and the inbox against PostgreSQL and the dev broker.
add_executable(shop_outbox_tests
    integration/outbox_test.cpp)
target_link_libraries(shop_outbox_tests PRIVATE shop_test_support shop::shared shop::catch_main
    shop::warnings)
shop_precompiled(shop_outbox_tests TESTS)
target_compile_definitions(shop_outbox_tests PRIVATE
    SHOP_KAFKA_DEV_BROKER="$<TARGET_FILE:kafka-dev-broker>"
    SHOP_SHARED_MIGRATIONS="${PROJECT_SOURCE_DIR}/shared/migrations")
add_dependencies(shop_outbox_tests kafka-dev-broker)
catch_discover_tests(shop_outbox_tests TEST_PREFIX "integration: "
    PROPERTIES LABELS integration TIMEOUT 120)
