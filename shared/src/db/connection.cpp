#include "connection.hpp"

#include <shop/log/log.hpp>

#include <poll.h>
#include <string_view>

namespace shop::db::detail {

Connection::Connection(std::string const& connection_string) : connection_{connection_string} {}

pqxx::connection& Connection::get() noexcept
{
    return connection_;
}

bool Connection::is_open() const noexcept
{
    return connection_.is_open();
}

bool Connection::idle_and_healthy() const noexcept
{
    if (!connection_.is_open()) {
        return false;
    }
    pollfd socket{connection_.sock(), POLLIN, 0};
    return socket.fd >= 0 && ::poll(&socket, 1, 0) == 0;
}

bool Connection::NoticeLog::operator()(char const message[]) noexcept
{
    std::string_view text{message};
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    try {
        if (text.starts_with("WARNING")) {
            log::warn("database: {}", text);
        } else {
            log::debug("database: {}", text);
        }
    } catch (...) { // a notice is never worth an exception
    }
    return false; // handled: not on to libpq's stderr printer
}

} // namespace shop::db::detail
