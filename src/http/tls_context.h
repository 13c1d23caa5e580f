#pragma once
// TLS contexts for our listeners (server side) and for HTTPS backends (client side).
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace archway::http {

// TLS 1.2+ server context from PEM files; throws std::runtime_error naming the file on failure.
std::shared_ptr<boost::asio::ssl::context> make_server_tls(const std::string& cert_file,
                                                           const std::string& key_file);

// TLS 1.2+ client context verifying peers against `trust_store` (a PEM file of CA certificates)
// or, when empty, the system trust store. Throws std::runtime_error naming an unreadable file.
std::shared_ptr<boost::asio::ssl::context> make_client_tls(const std::string& trust_store = "");

}  // namespace archway::http
