# The shared library's Kafka producer and consumer against the dev broker.
add_executable(shop_kafka_tests
    integration/kafka_test.cpp)
target_link_libraries(shop_kafka_tests PRIVATE shop_test_support shop::shared shop::catch_main
    shop::warnings)
shop_precompiled(shop_kafka_tests TESTS)
target_compile_definitions(shop_kafka_tests PRIVATE
    SHOP_KAFKA_DEV_BROKER="$<TARGET_FILE:kafka-dev-broker>")
add_dependencies(shop_kafka_tests kafka-dev-broker)
catch_discover_tests(shop_kafka_tests TEST_PREFIX "integration: "
    PROPERTIES LABELS integration TIMEOUT 60)
