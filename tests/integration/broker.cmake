# The Kafka dev broker (infra/kafka-dev-broker) driven by kcat, Debian's kcat package.
find_program(KCAT kcat)

add_executable(shop_broker_tests
    integration/dev_broker_test.cpp)
target_link_libraries(shop_broker_tests PRIVATE shop_test_support shop::shared shop::catch_main
    shop::warnings)
shop_precompiled(shop_broker_tests TESTS)
target_compile_definitions(shop_broker_tests PRIVATE
    SHOP_KAFKA_DEV_BROKER="$<TARGET_FILE:kafka-dev-broker>"
    SHOP_KCAT="${KCAT}")
add_dependencies(shop_broker_tests kafka-dev-broker)
catch_discover_tests(shop_broker_tests TEST_PREFIX "integration: "
    PROPERTIES LABELS integration TIMEOUT 60)
