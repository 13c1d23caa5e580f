#include "crypto/random.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace archway::crypto {

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

std::string random_password(std::size_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    for (unsigned char b : random_bytes(length)) {
      if (b >= 256 - 256 % kAlphabet.size()) continue;  // reject to avoid modulo bias
      out.push_back(kAlphabet[b % kAlphabet.size()]);
      if (out.size() == length) break;
    }
  }
  return out;
}

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string sha256_hex(std::string_view data) { return hex(sha256(data)); }

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace archway::crypto
