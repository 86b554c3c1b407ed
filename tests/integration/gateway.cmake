# The api-gateway executable in front of real upstreams: the test server, a scripted raw
# socket upstream and a closed port.
shop_integration_tests(shop_gateway_tests
    SOURCES integration/gateway_test.cpp
    RUNS shop-test-server api-gateway)
catch_discover_tests(shop_gateway_tests TEST_PREFIX "integration: gateway/"
    PROPERTIES LABELS integration TIMEOUT 60)
