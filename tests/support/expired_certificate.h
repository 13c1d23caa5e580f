#pragma once
// Throwaway certificates whose validity ended yesterday, for tests of what refuses them (the
// openssl tool cannot make one: its -days must be positive).
#include <string>

namespace archway::testing {

struct ExpiredCertificate {
  std::string cert_pem;  // the certificate
  std::string key_pem;   // its EC P-256 private key (PKCS#8)
};

// A certificate for `common_name` valid from two days ago until yesterday: self-signed when
// `issuer_cert_file` and `issuer_key_file` are empty, else signed by that issuer (PEM files).
// Fails the calling test (ADD_FAILURE) and returns empty strings when the issuer cannot be read.
ExpiredCertificate make_expired_certificate(const std::string& common_name, const std::string& issuer_cert_file = {},
                                            const std::string& issuer_key_file = {});

}  // namespace archway::testing
