#include "listener.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace shop::dev_broker {

tcp::acceptor listen_on(net::io_context& io, tcp::endpoint const& endpoint, std::string_view what)
{
    tcp::acceptor acceptor{io};
    boost::system::error_code error;
    acceptor.open(endpoint.protocol(), error);
    if (!error)
        acceptor.set_option(tcp::acceptor::reuse_address{true}, error);
    if (!error)
        acceptor.bind(endpoint, error);
    if (!error)
        acceptor.listen(net::socket_base::max_listen_connections, error);
    if (error)
        throw std::runtime_error{fmt::format("cannot listen for {} on {}:{}: {}", what,
                                             endpoint.address().to_string(), endpoint.port(),
                                             error.message())};
    return acceptor;
}

} // namespace shop::dev_broker
