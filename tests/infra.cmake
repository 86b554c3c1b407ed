# Static checks of the Docker stack and the observability files in infra/ (label lint):
# Debian's docker-compose validates infra/docker-compose.yml (Docker itself is not needed
# for `config`), promtool checks and unit-tests the Prometheus configuration and alert
# rules, and a small script checks the Grafana files and that every PromQL expression
# parses and names a metric the services expose (read from the C++ sources).
find_program(DOCKER_COMPOSE docker-compose)
# Debian's python3 first: it has python3-yaml (a dependency of docker-compose).
find_program(SHOP_PYTHON3 NAMES python3 HINTS /usr/bin)

set(SHOP_INFRA_DIR ${PROJECT_SOURCE_DIR}/infra)

add_test(NAME "lint: docker-compose config"
    COMMAND ${DOCKER_COMPOSE} -f ${SHOP_INFRA_DIR}/docker-compose.yml config -q)

add_test(NAME "lint: promtool check config"
    COMMAND ${PROMTOOL} check config ${SHOP_INFRA_DIR}/prometheus/prometheus.yml)
add_test(NAME "lint: promtool check rules"
    COMMAND ${PROMTOOL} check rules ${SHOP_INFRA_DIR}/prometheus/alerts.yml)
add_test(NAME "lint: promtool test rules"
    COMMAND ${PROMTOOL} test rules alerts_test.yml
    WORKING_DIRECTORY ${SHOP_INFRA_DIR}/prometheus)
add_test(NAME "lint: local prometheus template"
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/infra/check_local_prometheus.sh ${PROMTOOL}
        ${SHOP_INFRA_DIR}/prometheus/prometheus.local.yml.in
        ${SHOP_INFRA_DIR}/prometheus/alerts.yml
        ${CMAKE_CURRENT_BINARY_DIR}/infra/prometheus.local.yml)

add_test(NAME "lint: grafana dashboards and PromQL metric names"
    COMMAND ${SHOP_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/infra/check_observability.py
        ${PROJECT_SOURCE_DIR} --promtool ${PROMTOOL})
# The checker itself: a misspelt metric must be reported.
add_test(NAME "lint: PromQL check rejects an unknown metric"
    COMMAND ${SHOP_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/infra/check_observability.py
        ${PROJECT_SOURCE_DIR}
        --dashboard ${CMAKE_CURRENT_SOURCE_DIR}/infra/fixtures/bad_dashboard.json)
set_tests_properties("lint: PromQL check rejects an unknown metric" PROPERTIES
    PASS_REGULAR_EXPRESSION "metric 'http_request_total' is not exposed by any service")

add_test(NAME "lint: Dockerfile pins the scripts' swagger-ui-dist"
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/infra/check_swagger_pin.sh ${PROJECT_SOURCE_DIR})

set_tests_properties(
    "lint: docker-compose config"
    "lint: Dockerfile pins the scripts' swagger-ui-dist"
    "lint: promtool check config"
    "lint: promtool check rules"
    "lint: promtool test rules"
    "lint: local prometheus template"
    "lint: grafana dashboards and PromQL metric names"
    "lint: PromQL check rejects an unknown metric"
    PROPERTIES LABELS lint TIMEOUT 60)
