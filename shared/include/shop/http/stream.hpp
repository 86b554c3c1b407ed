#pragma once
// A response body written over time (Server-Sent Events): the handler returns a Response
// whose `stream` writes to the connection until the client leaves or the server shuts down.
// The server sends the head without Content-Length and closes the connection afterwards.
#include <shop/net/asio.hpp>

#include <string_view>

namespace shop::http {

class Stream {
public:
    virtual ~Stream() = default;
    // Writes now, within the server's write timeout; false when the client is gone.
    virtual awaitable<bool> write(std::string_view data) = 0;
    // True once the server is shutting down: the stream should end soon.
    virtual bool closing() const = 0;
};

} // namespace shop::http
