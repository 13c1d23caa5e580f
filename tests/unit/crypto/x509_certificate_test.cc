#include "crypto/x509_certificate.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/tls_identity.h"

namespace archway::crypto {
namespace {

std::string self_signed_pem() {
  const auto dir =
      std::filesystem::temp_directory_path() / ("archway-x509-" + std::to_string(::getpid()));
  const TlsIdentity id = ensure_self_signed(dir.string());
  std::ifstream in(id.cert_file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove_all(dir);
  return ss.str();
}

TEST(X509Certificate, APemCertificateGivesItsSubjectValidityVersionAndFingerprint) {
  const std::string pem = self_signed_pem();
  std::string error;
  auto facts = read_pem_certificate(pem, error);
  ASSERT_TRUE(facts) << error;
  EXPECT_EQ(facts->subject, "CN=localhost,O=Archway");
  EXPECT_EQ(facts->version, 3);
  EXPECT_LT(facts->not_before_s, facts->not_after_s);
  EXPECT_FALSE(facts->serial.empty());
  EXPECT_EQ(facts->pem, pem);
  // Text around the certificate does not change what it is.
  auto again = read_pem_certificate("a comment\n" + pem, error);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->fingerprint, facts->fingerprint);
}

TEST(X509Certificate, AnythingButOnePemCertificateIsRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(read_pem_certificate("", error));
  EXPECT_FALSE(read_pem_certificate("not pem at all", error));
  EXPECT_NE(error.find("not a PEM"), std::string::npos);
  EXPECT_FALSE(read_pem_certificate(
      "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", error));
  const std::string pem = self_signed_pem();
  EXPECT_FALSE(read_pem_certificate(pem + pem, error));
  EXPECT_NE(error.find("chain"), std::string::npos);
  EXPECT_FALSE(read_pem_certificate(pem.substr(0, pem.size() / 2), error));
  EXPECT_FALSE(read_pem_certificate(std::string(70 * 1024, 'A'), error));
}

TEST(X509Certificate, TimesAreWrittenInIso8601Utc) {
  EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace archway::crypto
