#pragma once
// TLS contexts for our listeners (server side) and for HTTPS backends (client side).
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace archway::http {

// Forward-secret AEAD suites only (ECDHE/DHE with AES-GCM or ChaCha20-Poly1305) for TLS 1.2, in
// OpenSSL's cipher-list syntax; TLS 1.3's suites are all AEAD and stay as OpenSSL offers them.
inline constexpr const char* kDefaultTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

// TLS 1.2+ server context from PEM files, offering `tls12_ciphers` under TLS 1.2; throws
// std::runtime_error naming the file, or the cipher list, on failure.
std::shared_ptr<boost::asio::ssl::context> make_server_tls(const std::string& cert_file, const std::string& key_file,
                                                           const std::string& tls12_ciphers = kDefaultTls12Ciphers);

// Makes a server context ask clients for a certificate without requiring one, and accept whatever
// they present: the gateway compares it with the certificates uploaded for the API called (mutual
// SSL). Sessions are resumable with it.
void request_client_certificates(boost::asio::ssl::context& ctx);

// Makes the management listener ask clients for a certificate issued by a CA of `ca_file` (a PEM
// bundle; its subjects are the acceptable CAs the request names) without requiring one, so browsers
// and tools without one go on as before. Every chain is accepted at the handshake and its verdict
// kept (http/peer_certificate.h): the gateway feed's routes decide, with a 401 problem. Throws
// std::runtime_error naming an unreadable file or one without a certificate.
void request_gateway_client_certificates(boost::asio::ssl::context& ctx, const std::string& ca_file);

// Makes a client context present `cert_file` (PEM chain, leaf first) with `key_file` (PEM private
// key) to servers that ask (a remote gateway to its control planes). Throws std::runtime_error
// naming the file that cannot be read or a key that does not belong to the certificate.
void use_client_certificate(boost::asio::ssl::context& ctx, const std::string& cert_file,
                            const std::string& key_file);

// TLS 1.2+ client context verifying peers against `trust_store` (a PEM file of CA certificates)
// or, when empty, the system trust store. Throws std::runtime_error naming an unreadable file.
std::shared_ptr<boost::asio::ssl::context> make_client_tls(const std::string& trust_store = "");

}  // namespace archway::http
