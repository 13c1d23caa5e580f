#pragma once
// Cryptographically secure random values (OpenSSL RAND).
#include <string>

namespace archway::crypto {

std::string random_bytes(std::size_t n);
// A random password of `length` characters from an unambiguous alphabet.
std::string random_password(std::size_t length = 20);
std::string sha256_hex(std::string_view data);
// Lower-case hex of raw bytes ("\x01\xab" -> "01ab").
std::string hex(std::string_view bytes);
std::string sha256(std::string_view data);  // raw 32 bytes

}  // namespace archway::crypto
