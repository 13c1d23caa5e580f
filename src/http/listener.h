#pragma once
// Listening sockets: bound acceptors with SO_REUSEPORT, so every worker thread of a server can own
// its own acceptor on the same port and the kernel spreads connections across them.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>

namespace archway::http {

// Binds and listens on host:port. Port 0 picks a free port (read it back from local_endpoint()).
// Throws boost::system::system_error naming the address when the bind fails.
boost::asio::ip::tcp::acceptor make_acceptor(boost::asio::io_context& io, const std::string& host,
                                             int port, bool reuse_port);

}  // namespace archway::http
