#include "crypto/secret_box.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "crypto/base64url.h"
#include "crypto/random.h"

namespace archway::crypto {

namespace {
constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  if (key_.size() != 32) throw std::invalid_argument("secret box key must be 32 bytes");
}

std::string SecretBox::seal(std::string_view plain) const {
  const std::string nonce = random_bytes(kNonce);
  std::string out = nonce;
  out.resize(kNonce + plain.size() + kTag);
  CtxPtr ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data()) + kNonce;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key_.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, o + plain.size()) != 1)
    throw std::runtime_error("encryption failed");
  return base64url_encode(out);
}

std::optional<std::string> SecretBox::open(std::string_view sealed) const {
  auto raw = base64url_decode(sealed);
  if (!raw || raw->size() < kNonce + kTag) return std::nullopt;
  const std::size_t n = raw->size() - kNonce - kTag;
  std::string out(n, '\0');
  CtxPtr ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  auto* in = reinterpret_cast<unsigned char*>(raw->data());
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key_.data()),
                         in) != 1 ||
      EVP_DecryptUpdate(ctx.get(), o, &len, in + kNonce, static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, in + kNonce + n) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), o + len, &len) != 1)
    return std::nullopt;
  return out;
}

SecretBox SecretBox::from_key_file(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    const std::string tmp = path + ".tmp";
    const mode_t old = umask(077);
    { std::ofstream(tmp) << base64url_encode(random_bytes(32)) << "\n"; }
    umask(old);
    std::filesystem::rename(tmp, path);
  }
  std::ifstream f(path);
  std::string text;
  f >> text;
  auto key = base64url_decode(text);
  if (!key || key->size() != 32) throw std::runtime_error("key file '" + path + "' does not hold a 32-byte key");
  return SecretBox(std::move(*key));
}

}  // namespace archway::crypto
