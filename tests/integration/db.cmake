# Database integration tests: the shared library's pool and migrations against a private
# PostgreSQL server that the test binary starts itself (support/postgres.hpp). One ctest
# entry runs the whole binary, so its test cases share one server: starting a cluster
# (initdb) costs more than all the cases together.
shop_integration_tests(shop_db_tests
    SOURCES integration/db_test.cpp)
add_test(NAME "integration: database pool and migrations" COMMAND shop_db_tests)
set_tests_properties("integration: database pool and migrations" PROPERTIES
    LABELS integration TIMEOUT 120)
