#pragma once
// Password hashing with argon2id (libsodium): slow, salted, self-describing strings.
#include <string>
#include <string_view>

namespace archway::crypto {

// Returns an encoded argon2id hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash").
std::string hash_password(std::string_view password);
bool verify_password(std::string_view encoded_hash, std::string_view password);

}  // namespace archway::crypto
