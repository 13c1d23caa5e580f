#pragma once
// The server's TLS certificate and key: configured files, or a self-signed pair created once in
// the data directory.
#include <string>

namespace archway::crypto {

struct TlsIdentity {
  std::string cert_file;
  std::string key_file;
};

// Creates <dir>/server.crt and <dir>/server.key (EC P-256, CN=localhost, SAN localhost/127.0.0.1,
// valid 825 days) unless both exist. The key file is 0600. Throws std::runtime_error on failure.
TlsIdentity ensure_self_signed(const std::string& dir);

}  // namespace archway::crypto
