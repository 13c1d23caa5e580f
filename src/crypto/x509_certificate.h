#pragma once
// X.509 certificates as the Publisher stores them (PEM): what the product shows of one (subject,
// validity, version, status) and its SHA-256 fingerprint, by which the gateway recognises a
// client certificate and the REST API compares uploads.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

typedef struct x509_st X509;

namespace archway::crypto {

using CertificateFingerprint = std::array<unsigned char, 32>;  // SHA-256 of the DER encoding

struct CertificateFacts {
  std::string subject;  // RFC 2253 ("CN=client,O=Example")
  std::string issuer;
  std::string serial;             // hex
  int version = 3;                // X.509 version (1-3)
  std::int64_t not_before_s = 0;  // Unix seconds
  std::int64_t not_after_s = 0;
  CertificateFingerprint fingerprint{};
  std::string pem;  // the certificate alone, re-encoded (no trailing text)
};

// Reads exactly one PEM certificate; nullopt with `error` saying why (not PEM, not a certificate,
// more than one).
std::optional<CertificateFacts> read_pem_certificate(std::string_view pem, std::string& error);

// The fingerprint of a parsed certificate (the gateway's view of a caller's certificate); false
// when it cannot be encoded.
bool fingerprint_of(X509* cert, CertificateFingerprint& out);

// "2026-12-06T17:48:03Z".
std::string iso8601_utc(std::int64_t unix_s);

}  // namespace archway::crypto
