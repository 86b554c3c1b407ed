#pragma once
#include <shop/net/asio.hpp>

#include <string_view>

namespace shop::dev_broker {

// A listening socket on `endpoint` (SO_REUSEADDR, so a port can be taken again at once).
// Throws std::runtime_error naming `what` and the address when it cannot listen there.
tcp::acceptor listen_on(net::io_context& io, tcp::endpoint const& endpoint, std::string_view what);

} // namespace shop::dev_broker
