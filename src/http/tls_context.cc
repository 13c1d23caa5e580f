#include "http/tls_context.h"

#include <fmt/format.h>

namespace archway::http {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_server_tls(const std::string& cert_file, const std::string& key_file,
                                              const std::string& tls12_ciphers) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  if (SSL_CTX_set_cipher_list(ctx->native_handle(), tls12_ciphers.c_str()) != 1)
    throw std::runtime_error(fmt::format("TLS cipher list '{}' names no cipher this OpenSSL knows", tls12_ciphers));
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) throw std::runtime_error(fmt::format("TLS certificate '{}': {}", cert_file, ec.message()));
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error(fmt::format("TLS key '{}': {}", key_file, ec.message()));
  return ctx;
}

void request_client_certificates(ssl::context& ctx) {
  // The chain is not verified here: a client certificate is known by being uploaded for the API.
  SSL_CTX_set_verify(ctx.native_handle(), SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
  static constexpr unsigned char kSessionContext[] = "archway-gateway";
  SSL_CTX_set_session_id_context(ctx.native_handle(), kSessionContext, sizeof kSessionContext - 1);
}

std::shared_ptr<ssl::context> make_client_tls(const std::string& trust_store) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (trust_store.empty()) {
    ctx->set_default_verify_paths();
  } else {
    boost::system::error_code ec;
    ctx->load_verify_file(trust_store, ec);
    if (ec) throw std::runtime_error(fmt::format("TLS trust store '{}': {}", trust_store, ec.message()));
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

}  // namespace archway::http
