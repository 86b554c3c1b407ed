# End to end: the local stack as scripts/up.sh starts it (the release build), the demo, and
# Prometheus, torn down by scripts/down.sh.
add_test(NAME "e2e: up.sh, demo-quick.sh, Prometheus, down.sh"
    COMMAND ${PROJECT_SOURCE_DIR}/tests/e2e/stack_test.sh release)
set_tests_properties("e2e: up.sh, demo-quick.sh, Prometheus, down.sh" PROPERTIES
    LABELS e2e TIMEOUT 600 RUN_SERIAL TRUE)
