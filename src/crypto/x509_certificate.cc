#include "crypto/x509_certificate.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

namespace archway::crypto {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

std::string name_text(const X509_NAME* name) {
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::int64_t> unix_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace

bool fingerprint_of(X509* cert, CertificateFingerprint& out) {
  unsigned int n = 0;
  return cert && X509_digest(cert, EVP_sha256(), out.data(), &n) == 1 && n == out.size();
}

std::optional<CertificateFacts> read_pem_certificate(std::string_view pem, std::string& error) {
  if (pem.empty() || pem.size() > 64 * 1024) {
    error = "the certificate must be a PEM certificate of at most 64 KiB";
    return std::nullopt;
  }
  BioPtr in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(in ? PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    ERR_clear_error();
    error = "the file is not a PEM-encoded X.509 certificate";
    return std::nullopt;
  }
  if (X509Ptr more(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)); more) {
    error = "send one certificate, not a chain";
    return std::nullopt;
  }
  ERR_clear_error();  // the second read ended at the end of the input
  CertificateFacts f;
  f.subject = name_text(X509_get_subject_name(cert.get()));
  f.issuer = name_text(X509_get_issuer_name(cert.get()));
  f.version = static_cast<int>(X509_get_version(cert.get())) + 1;
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get())) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
    if (bn) {
      char* hex = BN_bn2hex(bn);
      if (hex) f.serial = hex;
      OPENSSL_free(hex);
      BN_free(bn);
    }
  }
  const auto from = unix_time(X509_get0_notBefore(cert.get()));
  const auto to = unix_time(X509_get0_notAfter(cert.get()));
  if (!from || !to || !fingerprint_of(cert.get(), f.fingerprint)) {
    error = "the certificate's validity or encoding cannot be read";
    return std::nullopt;
  }
  f.not_before_s = *from;
  f.not_after_s = *to;
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), cert.get()) != 1) {
    error = "the certificate cannot be encoded";
    return std::nullopt;
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  f.pem.assign(data, static_cast<std::size_t>(n));
  return f;
}

std::string iso8601_utc(std::int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

}  // namespace archway::crypto
