# The shared library's Kafka producer and consumer against the dev broker.
shop_integration_tests(shop_kafka_tests
    SOURCES integration/kafka_test.cpp
    RUNS kafka-dev-broker)
catch_discover_tests(shop_kafka_tests TEST_PREFIX "integration: "
    PROPERTIES LABELS integration TIMEOUT 60)
