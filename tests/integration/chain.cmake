# The whole event chain: the three service executables on PostgreSQL and the dev broker,
# and the gateway's view of it.
# One add_test runs the whole binary, so its cases share one PostgreSQL server.
shop_integration_tests(shop_chain_tests
    SOURCES integration/chain_test.cpp
    RUNS user-service order-service payment-service api-gateway kafka-dev-broker)
add_test(NAME "integration: the event chain through the three services" COMMAND shop_chain_tests)
set_tests_properties("integration: the event chain through the three services" PROPERTIES
    LABELS integration TIMEOUT 300)
