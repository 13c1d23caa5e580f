#include "http/listener.h"

#include <boost/asio/ip/address.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/format.h>
#include <sys/socket.h>

namespace archway::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

tcp::acceptor make_acceptor(asio::io_context& io, const std::string& host, int port, bool reuse_port) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::runtime_error(fmt::format("invalid listen address '{}'", host));
  tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  tcp::acceptor acc(io);
  acc.open(ep.protocol());
  acc.set_option(tcp::acceptor::reuse_address(true));
  if (reuse_port) {
    using reuse_port_opt = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
    acc.set_option(reuse_port_opt(true));
  }
  acc.bind(ep, ec);
  if (ec)
    throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
  acc.listen(asio::socket_base::max_listen_connections);
  return acc;
}

}  // namespace archway::http
