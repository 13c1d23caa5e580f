#pragma once
// The TLS client certificate a management connection presented, and whether it verified against the
// listener's client CA (cluster.gateway_client_ca): remote gateways may authenticate to the control
// plane's feed by it instead of a bearer token (mutual TLS).
#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace archway::http {

struct PeerCertificate {
  bool verified = false;     // chains to the listener's client CA, within its validity
  std::string verify_error;  // why not, when not verified (OpenSSL's words)
  std::string subject;       // one line, RFC 2253 ("CN=gw-eu-1,O=Example")
  // The names the certificate carries: its subject common names, then its subjectAltName DNS
  // names, URIs and e-mail addresses.
  std::vector<std::string> names;
};

// What the peer of `ssl` presented after the handshake; null when it sent no certificate.
std::shared_ptr<const PeerCertificate> peer_certificate(SSL* ssl);

// Whether `name` matches one of `patterns`: equal (ignoring ASCII case), or a pattern "*.suffix"
// matching one further label in front of ".suffix".
bool name_allowed(std::string_view name, const std::vector<std::string>& patterns);

}  // namespace archway::http
