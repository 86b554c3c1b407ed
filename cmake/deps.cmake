# Every third-party dependency is found here, once. All are Debian 12 packages
# (scripts/setup.sh installs them); nothing is downloaded at build time.
find_package(Threads REQUIRED)
find_package(Boost 1.81...<1.82 CONFIG REQUIRED COMPONENTS url)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(fmt 9 CONFIG REQUIRED)
find_package(Catch2 2 CONFIG REQUIRED)
include(Catch)

find_package(PkgConfig REQUIRED)
# The C library: the project wraps its handles itself (and the dev broker needs its mock API).
pkg_check_modules(rdkafka REQUIRED IMPORTED_TARGET rdkafka>=2.0)
pkg_check_modules(pqxx REQUIRED IMPORTED_TARGET libpqxx>=6.4)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium>=1.0.18)

find_program(PROMTOOL promtool)
