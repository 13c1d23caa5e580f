#include "http/peer_certificate.h"

#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/strings.h"

namespace archway::http {

namespace {

std::string utf8_of(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  const int n = ASN1_STRING_to_UTF8(&out, s);
  if (n < 0) return {};
  std::string text(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  OPENSSL_free(out);
  return text;
}

std::string one_line(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string text(data, n > 0 ? static_cast<std::size_t>(n) : 0);
  BIO_free(bio);
  return text;
}

void add_names(X509* cert, std::vector<std::string>& names) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >= 0;)
    names.push_back(utf8_of(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i))));
  auto* alt = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!alt) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(alt); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(alt, i);
    if (g->type == GEN_DNS || g->type == GEN_URI || g->type == GEN_EMAIL) names.push_back(utf8_of(g->d.ia5));
  }
  GENERAL_NAMES_free(alt);
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && common::to_lower(std::string(a)) == common::to_lower(std::string(b));
}

}  // namespace

std::shared_ptr<const PeerCertificate> peer_certificate(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert) return nullptr;
  auto out = std::make_shared<PeerCertificate>();
  // The listener's verify callback accepts every chain (the route decides); the result is kept.
  const long result = SSL_get_verify_result(ssl);
  out->verified = result == X509_V_OK;
  if (!out->verified) out->verify_error = X509_verify_cert_error_string(result);
  out->subject = one_line(X509_get_subject_name(cert));
  add_names(cert, out->names);
  return out;
}

bool name_allowed(std::string_view name, const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    if (p.starts_with("*.")) {
      const std::string_view suffix = std::string_view(p).substr(1);  // ".example.com"
      if (name.size() <= suffix.size() || !equal_ignoring_case(name.substr(name.size() - suffix.size()), suffix))
        continue;
      const std::string_view label = name.substr(0, name.size() - suffix.size());
      if (label.find('.') == std::string_view::npos) return true;
    } else if (equal_ignoring_case(name, p)) {
      return true;
    }
  }
  return false;
}

}  // namespace archway::http
