#include <shop/net/move_socket.hpp>

#include <unistd.h>

namespace shop {

tcp::socket move_socket(tcp::socket socket, net::any_io_executor const& executor,
                        boost::system::error_code& ec)
{
    auto const protocol = socket.local_endpoint(ec).protocol();
    tcp::socket moved{executor};
    if (!ec) {
        auto const fd = socket.release(ec);
        if (!ec) {
            moved.assign(protocol, fd, ec);
            if (ec)
                ::close(fd); // not adopted: nobody else will close it
        }
    }
    return moved;
}

} // namespace shop
