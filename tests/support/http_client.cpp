#include "http_client.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace shop::test {
namespace {

int connect_loopback(std::uint16_t port)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::system_error{errno, std::generic_category(), "socket"};
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        int const error = errno;
        ::close(fd);
        throw std::system_error{error, std::generic_category(), "connect"};
    }
    return fd;
}

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

std::string Reply::header(std::string const& name) const
{
    auto const it = headers.find(lower(name));
    return it == headers.end() ? std::string{} : it->second;
}

Connection::Connection(std::uint16_t port) : fd_{connect_loopback(port)} {}

Connection::~Connection()
{
    ::close(fd_);
}

bool Connection::send(std::string_view bytes)
{
    while (!bytes.empty()) {
        auto const n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool Connection::fill(std::chrono::steady_clock::time_point deadline)
{
    if (eof_)
        return false;
    auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        return false;
    char chunk[16384];
    auto const n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    pending_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::optional<Reply> Connection::read_reply(std::chrono::milliseconds timeout, Body body)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end = 0;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
        if (!fill(deadline))
            return std::nullopt;

    Reply reply;
    std::string_view head{pending_.data(), end};
    auto const first_line_end = head.find("\r\n");
    auto const status_line = head.substr(0, first_line_end);
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/")
        throw std::runtime_error{"not an HTTP response: " + std::string{status_line}};
    reply.status = std::stoi(std::string{status_line.substr(9, 3)});
    std::size_t pos = first_line_end == std::string_view::npos ? head.size() : first_line_end + 2;
    while (pos < head.size()) {
        auto const eol = std::min(head.find("\r\n", pos), head.size());
        auto const line = head.substr(pos, eol - pos);
        auto const colon = line.find(':');
        auto value = std::string{line.substr(colon + 1)};
        value.erase(0, value.find_first_not_of(' '));
        // A repeated field joins the first with a comma, as a recipient reads it (RFC 9110 5.3).
        auto const [field, added] =
            reply.headers.try_emplace(lower(std::string{line.substr(0, colon)}), value);
        if (!added)
            field->second += ", " + value;
        pos = eol + 2;
    }
    std::size_t const length = body == Body::by_length && reply.headers.count("content-length")
                                   ? std::stoul(reply.headers["content-length"])
                                   : 0;
    std::size_t const total = end + 4 + length;
    while (pending_.size() < total)
        if (!fill(deadline))
            return std::nullopt;
    reply.body = pending_.substr(end + 4, length);
    pending_.erase(0, total);
    return reply;
}

std::optional<std::string> Connection::read_until(std::string_view needle,
                                                  std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t at = 0;
    while ((at = pending_.find(needle)) == std::string::npos)
        if (!fill(deadline))
            return std::nullopt;
    auto text = pending_.substr(0, at + needle.size());
    pending_.erase(0, at + needle.size());
    return text;
}

bool Connection::closed_by_peer(std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_) {
        if (!fill(deadline) && !eof_)
            return false;
    }
    return true;
}

Reply request(std::uint16_t port, std::string_view method, std::string_view target,
              std::string_view body, std::string_view extra_headers)
{
    Connection connection{port};
    std::string text{method};
    text += " ";
    text += target;
    text += " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    text += extra_headers;
    if (!body.empty() || method == "POST" || method == "PUT") {
        text += "Content-Type: application/json\r\nContent-Length: ";
        text += std::to_string(body.size());
        text += "\r\n";
    }
    text += "\r\n";
    text += body;
    if (!connection.send(text))
        throw std::runtime_error{"send failed"};
    auto reply = connection.read_reply();
    if (!reply)
        throw std::runtime_error{"no reply to " + std::string{method} + " " + std::string{target}};
    return *reply;
}

bool eventually(std::function<bool()> const& condition, std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return condition();
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return true;
}

std::optional<double> sample_in(std::string_view metrics, std::string_view name)
{
    auto const line = "\n" + std::string{name} + " ";
    auto const at = metrics.find(line);
    if (at == std::string_view::npos)
        return std::nullopt;
    double value = 0;
    auto const begin = metrics.data() + at + line.size();
    if (std::from_chars(begin, metrics.data() + metrics.size(), value).ec != std::errc{})
        return std::nullopt;
    return value;
}

bool refuses_connections(std::uint16_t port)
{
    try {
        Connection probe{port};
        return false;
    } catch (std::system_error const& e) {
        return e.code().value() == ECONNREFUSED;
    }
}

} // namespace shop::test
