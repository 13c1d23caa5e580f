#include "crypto/tls_identity.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace archway::crypto {

namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("creating self-signed certificate: ") + what);
}

void add_ext(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

}  // namespace

TlsIdentity ensure_self_signed(const std::string& dir) {
  namespace fs = std::filesystem;
  TlsIdentity id{(fs::path(dir) / "server.crt").string(), (fs::path(dir) / "server.key").string()};
  if (fs::exists(id.cert_file) && fs::exists(id.key_file)) return id;
  fs::create_directories(dir);

  PkeyPtr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EC key");
  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  std::string serial = std::to_string(std::time(nullptr));
  ASN1_INTEGER_set_int64(X509_get_serialNumber(cert.get()), std::time(nullptr));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 825L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Archway"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  add_ext(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  add_ext(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");

  const std::string key_tmp = id.key_file + ".tmp";
  const std::string cert_tmp = id.cert_file + ".tmp";
  {
    const mode_t old = umask(077);
    FILE* f = std::fopen(key_tmp.c_str(), "w");
    umask(old);
    check(f != nullptr, "open key file");
    const bool ok = PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    std::fclose(f);
    check(ok, "write key");
  }
  {
    FILE* f = std::fopen(cert_tmp.c_str(), "w");
    check(f != nullptr, "open certificate file");
    const bool ok = PEM_write_X509(f, cert.get()) == 1;
    std::fclose(f);
    check(ok, "write certificate");
  }
  fs::rename(key_tmp, id.key_file);
  fs::rename(cert_tmp, id.cert_file);
  return id;
}

}  // namespace archway::crypto
