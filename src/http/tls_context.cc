#include "http/tls_context.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace archway::http {

namespace ssl = boost::asio::ssl;

namespace {

// The reason of OpenSSL's most recent error (then the queue is emptied), or `otherwise`.
std::string openssl_error(const char* otherwise) {
  const unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  const char* reason = e ? ERR_reason_error_string(e) : nullptr;
  return reason ? reason : otherwise;
}

// Throws, naming `what` and the file, when `path` cannot be opened for reading (OpenSSL says only
// "system lib" then).
void check_readable(const char* what, const std::string& path) {
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
    return;
  }
  throw std::runtime_error(fmt::format("{} '{}' cannot be read: {}", what, path, std::strerror(errno)));
}

}  // namespace

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

void request_gateway_client_certificates(ssl::context& ctx, const std::string& ca_file) {
  SSL_CTX* native = ctx.native_handle();
  check_readable("gateway client CA", ca_file);
  ERR_clear_error();
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca_file.c_str());
  if (!names || SSL_CTX_load_verify_locations(native, ca_file.c_str(), nullptr) != 1) {
    if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
    throw std::runtime_error(fmt::format("gateway client CA '{}' holds no PEM certificate ({})", ca_file,
                                         openssl_error("none found")));
  }
  // The certificate request names these CAs: a browser offers only certificates they issued.
  SSL_CTX_set_client_CA_list(native, names);
  // No SSL_VERIFY_FAIL_IF_NO_PEER_CERT: a client without a certificate (a browser) is served as
  // before; one whose chain does not verify completes the handshake and hears 401 from the route.
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
  static constexpr unsigned char kSessionContext[] = "archway-management";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
}

void use_client_certificate(ssl::context& ctx, const std::string& cert_file, const std::string& key_file) {
  SSL_CTX* native = ctx.native_handle();
  check_readable("gateway client certificate", cert_file);
  check_readable("gateway client key", key_file);
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1)
    throw std::runtime_error(fmt::format("gateway client certificate '{}' is not a PEM certificate chain ({})",
                                         cert_file, openssl_error("none found")));
  EVP_PKEY* key = nullptr;
  if (BIO* in = BIO_new_file(key_file.c_str(), "r")) {
    key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
    BIO_free(in);
  }
  if (!key)
    throw std::runtime_error(fmt::format("gateway client key '{}' is not an unencrypted PEM private key ({})",
                                         key_file, openssl_error("none found")));
  const bool matches = SSL_CTX_use_PrivateKey(native, key) == 1 && SSL_CTX_check_private_key(native) == 1;
  EVP_PKEY_free(key);
  ERR_clear_error();
  if (!matches)
    throw std::runtime_error(fmt::format("gateway client key '{}' does not belong to the certificate '{}'",
                                         key_file, cert_file));
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
