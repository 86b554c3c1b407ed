#pragma once
#include <shop/net/asio.hpp>

namespace shop {

// The same connected socket, registered with `executor`'s reactor instead of its own (an
// I/O thread's io_context for another's). It must have no operation pending. On failure
// `ec` says why and the connection is closed.
tcp::socket move_socket(tcp::socket socket, net::any_io_executor const& executor,
                        boost::system::error_code& ec);

} // namespace shop
