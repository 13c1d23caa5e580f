#include "crypto/jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>
#include <vector>

#include "crypto/base64url.h"
#include "crypto/random.h"

namespace archway::crypto {

namespace json = boost::json;

namespace {

std::shared_ptr<EVP_PKEY> wrap(EVP_PKEY* k) { return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free); }

std::string bn_bytes(const EVP_PKEY* key, const char* param, int pad_to = 0) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(key, param, &bn)) throw std::runtime_error(std::string("missing key parameter ") + param);
  const int len = pad_to > 0 ? pad_to : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(len), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len);
  BN_free(bn);
  return out;
}

std::string make_kid(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  if (len <= 0) throw std::runtime_error("cannot encode public key");
  std::string d(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  std::string hex = sha256_hex(d);
  return hex.substr(0, 32);
}

bool is_type(const EVP_PKEY* k, const char* name) { return EVP_PKEY_is_a(k, name) == 1; }

std::string digest_sign(EVP_PKEY* key, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("signing failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("signing failed");
  sig.resize(len);
  return sig;
}

// ECDSA: DER <-> JOSE r||s (32 bytes each for P-256).
std::string der_to_jose(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* s = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (!s) throw std::runtime_error("bad ECDSA signature");
  std::string out(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(s), reinterpret_cast<unsigned char*>(out.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(s), reinterpret_cast<unsigned char*>(out.data()) + 32, 32);
  ECDSA_SIG_free(s);
  return out;
}

std::optional<std::string> jose_to_der(std::string_view jose) {
  if (jose.size() != 64) return std::nullopt;
  ECDSA_SIG* s = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(jose.data()), 32, nullptr);
  BIGNUM* sv = BN_bin2bn(reinterpret_cast<const unsigned char*>(jose.data()) + 32, 32, nullptr);
  ECDSA_SIG_set0(s, r, sv);
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(s, &der);
  ECDSA_SIG_free(s);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::optional<std::string> member(const json::object& o, std::string_view k) {
  auto it = o.find(k);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return base64url_decode(it->value().get_string());
}

}  // namespace

std::string_view alg_name(JwsAlg alg) { return alg == JwsAlg::kRS256 ? "RS256" : "ES256"; }

std::optional<JwsAlg> parse_alg(std::string_view name) {
  if (name == "RS256") return JwsAlg::kRS256;
  if (name == "ES256") return JwsAlg::kES256;
  return std::nullopt;
}

std::optional<VerificationKey> VerificationKey::from_jwk(const json::object& jwk, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<VerificationKey> {
    if (error) *error = why;
    return std::nullopt;
  };
  auto kty = jwk.if_contains("kty");
  if (!kty || !kty->is_string()) return fail("missing kty");
  VerificationKey vk;
  if (auto kid = jwk.if_contains("kid"); kid && kid->is_string()) vk.kid_ = std::string(kid->get_string());
  if (auto use = jwk.if_contains("use"); use && use->is_string() && use->get_string() != "sig")
    return fail("key is not for signatures");
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  const char* type = nullptr;
  std::vector<BIGNUM*> bns;
  std::string point;
  if (kty->get_string() == "RSA") {
    auto n = member(jwk, "n");
    auto e = member(jwk, "e");
    if (!n || !e || n->empty() || e->empty()) return fail("RSA key without n/e");
    if (n->size() * 8 < 2048) return fail("RSA key shorter than 2048 bits");
    vk.alg_ = JwsAlg::kRS256;
    if (auto alg = jwk.if_contains("alg"); alg && alg->is_string() && alg->get_string() != "RS256")
      return fail("unsupported alg for an RSA key");
    bns.push_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
    bns.push_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bns[0]);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bns[1]);
    type = "RSA";
  } else if (kty->get_string() == "EC") {
    auto crv = jwk.if_contains("crv");
    if (!crv || !crv->is_string() || crv->get_string() != "P-256") return fail("only the P-256 curve is supported");
    auto x = member(jwk, "x");
    auto y = member(jwk, "y");
    if (!x || !y || x->size() != 32 || y->size() != 32) return fail("EC key without 32-byte x/y");
    vk.alg_ = JwsAlg::kES256;
    if (auto alg = jwk.if_contains("alg"); alg && alg->is_string() && alg->get_string() != "ES256")
      return fail("unsupported alg for an EC key");
    point = std::string(1, '\x04') + *x + *y;
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    type = "EC";
  } else {
    return fail("unsupported kty");
  }
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld.get());
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  const bool ok = ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
                  EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  for (auto* b : bns) BN_free(b);
  if (!ok) return fail("key material does not form a valid public key");
  vk.key_ = wrap(key);
  return vk;
}

bool VerificationKey::verify(std::string_view input, std::string_view signature) const {
  if (!key_) return false;
  std::string der;
  if (alg_ == JwsAlg::kES256) {
    auto d = jose_to_der(signature);
    if (!d) return false;
    der = std::move(*d);
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

SigningKey SigningKey::generate(JwsAlg alg) {
  EVP_PKEY* k = alg == JwsAlg::kRS256 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
  if (!k) throw std::runtime_error("key generation failed");
  SigningKey sk;
  sk.alg_ = alg;
  sk.key_ = wrap(k);
  sk.kid_ = make_kid(k);
  return sk;
}

SigningKey SigningKey::from_pem(std::string_view pem, std::string kid, JwsAlg alg) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!k) throw std::runtime_error("signing key PEM does not parse");
  SigningKey sk;
  sk.key_ = wrap(k);
  sk.alg_ = alg;
  sk.kid_ = std::move(kid);
  if (is_type(k, alg == JwsAlg::kRS256 ? "RSA" : "EC") == false)
    throw std::runtime_error("signing key type does not match its algorithm");
  return sk;
}

std::string SigningKey::private_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

json::object SigningKey::public_jwk() const {
  json::object o;
  o["kid"] = kid_;
  o["use"] = "sig";
  o["alg"] = alg_name(alg_);
  if (alg_ == JwsAlg::kRS256) {
    o["kty"] = "RSA";
    o["n"] = base64url_encode(bn_bytes(key_.get(), OSSL_PKEY_PARAM_RSA_N));
    o["e"] = base64url_encode(bn_bytes(key_.get(), OSSL_PKEY_PARAM_RSA_E));
  } else {
    o["kty"] = "EC";
    o["crv"] = "P-256";
    o["x"] = base64url_encode(bn_bytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32));
    o["y"] = base64url_encode(bn_bytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32));
  }
  return o;
}

VerificationKey SigningKey::verification_key() const {
  VerificationKey vk;
  vk.kid_ = kid_;
  vk.alg_ = alg_;
  vk.key_ = key_;
  return vk;
}

std::string SigningKey::sign(std::string_view input) const {
  std::string sig = digest_sign(key_.get(), input);
  return alg_ == JwsAlg::kES256 ? der_to_jose(sig) : sig;
}

}  // namespace archway::crypto
