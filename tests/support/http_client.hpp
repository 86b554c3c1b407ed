#pragma once
// A deliberately simple blocking HTTP/1.1 client over a raw socket, so tests can also send
// what no well-behaved client would: malformed requests, huge headers, slow bytes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace shop::test {

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers; // names in lower case; repeats joined by ", "
    std::string body;

    std::string header(std::string const& name) const;
};

class Connection {
public:
    explicit Connection(std::uint16_t port);
    ~Connection();
    Connection(Connection const&) = delete;
    Connection& operator=(Connection const&) = delete;

    // False when the peer has closed or reset the connection.
    bool send(std::string_view bytes);
    // One response (headers + Content-Length body); nullopt when the peer closed first or
    // nothing complete arrived within the timeout.
    enum class Body { by_length, none }; // none: the reply to a HEAD request
    std::optional<Reply> read_reply(std::chrono::milliseconds timeout = std::chrono::seconds{5},
                                    Body body = Body::by_length);
    // Everything received up to and including `needle` (then consumed); nullopt when it did
    // not arrive within the timeout. For streamed bodies such as Server-Sent Events.
    std::optional<std::string> read_until(std::string_view needle,
                                          std::chrono::milliseconds timeout);
    // True when the peer closes the connection (EOF or reset) within the timeout.
    bool closed_by_peer(std::chrono::milliseconds timeout);

private:
    bool fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string pending_;
    bool eof_ = false;
};

// One request on a fresh connection ("Connection: close" is not sent, the reply is read).
Reply request(std::uint16_t port, std::string_view method, std::string_view target,
              std::string_view body = {}, std::string_view extra_headers = {});

// Polls `condition` until it holds or `timeout` passes; returns its last answer. For
// effects that follow a response (metrics are recorded once the response is written).
bool eventually(std::function<bool()> const& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds{2});

// The value of one sample in a /metrics text, e.g. `payments_total{status="completed"}`;
// nothing when it is not there.
std::optional<double> sample_in(std::string_view metrics, std::string_view name);

// True when nothing accepts connections on the port.
bool refuses_connections(std::uint16_t port);

} // namespace shop::test
