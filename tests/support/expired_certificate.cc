#include "support/expired_certificate.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace archway::testing {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;

std::string drain(BIO* mem) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(mem, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

ExpiredCertificate make_expired_certificate(const std::string& common_name, const std::string& issuer_cert_file,
                                            const std::string& issuer_key_file) {
  Cert issuer;
  Key issuer_key;
  if (!issuer_cert_file.empty()) {
    Bio in(BIO_new_file(issuer_cert_file.c_str(), "r"));
    if (in) issuer.reset(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
    Bio key_in(BIO_new_file(issuer_key_file.c_str(), "r"));
    if (key_in) issuer_key.reset(PEM_read_bio_PrivateKey(key_in.get(), nullptr, nullptr, nullptr));
    if (!issuer || !issuer_key) {
      ADD_FAILURE() << "cannot read the issuer " << issuer_cert_file << " / " << issuer_key_file;
      return {};
    }
  }
  Key key(EVP_EC_gen("P-256"));
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 99);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -2 * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), -86400);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer ? issuer.get() : cert.get()));
  X509_set_pubkey(cert.get(), key.get());
  X509_sign(cert.get(), issuer_key ? issuer_key.get() : key.get(), EVP_sha256());

  ExpiredCertificate out;
  Bio cert_out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(cert_out.get(), cert.get());
  out.cert_pem = drain(cert_out.get());
  Bio key_out(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  out.key_pem = drain(key_out.get());
  return out;
}

}  // namespace archway::testing
