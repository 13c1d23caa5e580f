#pragma once
// Authenticated encryption of secrets at rest (AES-256-GCM) with a 32-byte key from the data
// directory or configuration. Output: base64url(nonce || ciphertext || tag).
#include <optional>
#include <string>
#include <string_view>

namespace archway::crypto {

class SecretBox {
 public:
  explicit SecretBox(std::string key);  // 32 bytes; throws std::invalid_argument otherwise
  std::string seal(std::string_view plaintext) const;
  std::optional<std::string> open(std::string_view sealed) const;  // nullopt if tampered or wrong key

  // Reads a base64url key from `path`, creating it (0600, random) when missing.
  static SecretBox from_key_file(const std::string& path);

 private:
  std::string key_;
};

}  // namespace archway::crypto
