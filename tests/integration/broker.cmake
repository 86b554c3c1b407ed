# The Kafka dev broker (infra/kafka-dev-broker) driven by kcat, Debian's kcat package.
find_program(KCAT kcat)

shop_integration_tests(shop_broker_tests
    SOURCES integration/dev_broker_test.cpp
    RUNS kafka-dev-broker
    DEFINES SHOP_KCAT="${KCAT}")
catch_discover_tests(shop_broker_tests TEST_PREFIX "integration: "
    PROPERTIES LABELS integration TIMEOUT 60)
