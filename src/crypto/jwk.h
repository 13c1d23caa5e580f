#pragma once
// Signing keys (private, ours) and verification keys (public, ours or an external IdP's), with
// their JWK form (RFC 7517). RS256 (RSA 2048) and ES256 (P-256).
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace archway::crypto {

enum class JwsAlg { kRS256, kES256 };
std::string_view alg_name(JwsAlg alg);
std::optional<JwsAlg> parse_alg(std::string_view name);  // only the algorithms we accept

class VerificationKey {
 public:
  // From a JWK; nullopt (with `error`) for unsupported kty/crv/alg or malformed members.
  static std::optional<VerificationKey> from_jwk(const boost::json::object& jwk, std::string* error = nullptr);

  const std::string& kid() const { return kid_; }
  JwsAlg alg() const { return alg_; }
  // Verifies a JWS signature (ES256 in the JOSE r||s form) over `signing_input`.
  bool verify(std::string_view signing_input, std::string_view signature) const;

 private:
  friend class SigningKey;
  std::string kid_;
  JwsAlg alg_ = JwsAlg::kRS256;
  std::shared_ptr<EVP_PKEY> key_;
};

class SigningKey {
 public:
  static SigningKey generate(JwsAlg alg);
  // From a PKCS#8 PEM private key; throws std::runtime_error if it does not parse or fit `alg`.
  static SigningKey from_pem(std::string_view pem, std::string kid, JwsAlg alg);

  const std::string& kid() const { return kid_; }
  JwsAlg alg() const { return alg_; }
  std::string private_pem() const;
  boost::json::object public_jwk() const;
  VerificationKey verification_key() const;
  std::string sign(std::string_view signing_input) const;

 private:
  std::string kid_;
  JwsAlg alg_ = JwsAlg::kRS256;
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace archway::crypto
