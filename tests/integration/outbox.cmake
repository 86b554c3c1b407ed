# The outbox relay and the inbox against PostgreSQL and the dev broker.
shop_integration_tests(shop_outbox_tests
    SOURCES integration/outbox_test.cpp
    RUNS kafka-dev-broker
    DEFINES SHOP_SHARED_MIGRATIONS="${PROJECT_SOURCE_DIR}/shared/migrations")
catch_discover_tests(shop_outbox_tests TEST_PREFIX "integration: "
    PROPERTIES LABELS integration TIMEOUT 120)
