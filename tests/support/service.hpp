#pragma once
// One of the project's executables started on a free loopback port for a test.
#include "child_process.hpp"

#include <cstdint>
#include <string>

namespace shop::test {

class RunningService {
public:
    // Starts `executable` with PORT=0 and HOST=127.0.0.1 (plus `env`), and waits for its
    // "listening" log line to learn the port. Throws with the output when it does not come.
    explicit RunningService(std::string const& executable, EnvVars env = {});

    std::uint16_t port() const noexcept { return port_; }
    ChildProcess& process() noexcept { return process_; }

private:
    ChildProcess process_;
    std::uint16_t port_ = 0;
};

} // namespace shop::test
