#pragma once
// A private PostgreSQL server for tests: initdb into a fresh temporary directory (no fsync,
// small buffers, for speed), started on a free loopback port with user postgres, password
// postgres. The destructor stops the server and removes the directory, also when a test
// fails; should the test process die without it, the server is told to quit (parent-death
// signal), so start() and stop() belong on a thread that lives as long as the server.
// Run as root, the server runs as the `postgres` system user (PostgreSQL refuses root).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace shop::test {

class TempPostgres {
public:
    // Initialises the cluster and starts the server; throws with the server's log on failure.
    TempPostgres();
    ~TempPostgres();
    TempPostgres(TempPostgres const&) = delete;
    TempPostgres& operator=(TempPostgres const&) = delete;

    std::uint16_t port() const noexcept;
    // postgresql://postgres:postgres@127.0.0.1:PORT/<database>
    std::string url(std::string_view database) const;
    // A fresh, empty database (an older one of that name is dropped); returns its url().
    std::string create_database(std::string const& name);

    // Fast shutdown (sessions are cut); the data stays for start(). Idempotent.
    void stop();
    // Starts the server again on the same data directory and port. Idempotent.
    void start();
    bool running() const noexcept;

private:
    explicit TempPostgres(std::filesystem::path dir);
    void launch();
    std::string log_tail() const;

    std::filesystem::path bin_dir_;
    std::filesystem::path dir_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

} // namespace shop::test
