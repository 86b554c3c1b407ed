#pragma once
// One pooled connection. libpq prints server notices (NOTICE, WARNING) to stderr by default;
// here they become log lines, so the output stays one JSON object per line.
#include <pqxx/connection>
#include <pqxx/errorhandler>

#include <string>

namespace shop::db::detail {

class Connection {
public:
    // Connects at once; throws pqxx::broken_connection when the server cannot be reached.
    explicit Connection(std::string const& connection_string);
    Connection(Connection const&) = delete;
    Connection& operator=(Connection const&) = delete;

    pqxx::connection& get() noexcept;
    bool is_open() const noexcept;
    // An idle connection has nothing to read: readable means the server closed it or sent a
    // FATAL error (restart, terminated backend). Checked without a round trip.
    bool idle_and_healthy() const noexcept;

private:
    class NoticeLog : public pqxx::errorhandler {
    public:
        using errorhandler::errorhandler;
        bool operator()(char const message[]) noexcept override;
    };

    pqxx::connection connection_;
    NoticeLog notices_{connection_}; // declared after the connection: unregisters first
};

} // namespace shop::db::detail
