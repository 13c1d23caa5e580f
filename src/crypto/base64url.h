#pragma once
// base64url without padding (RFC 4648 §5), as JOSE uses it.
#include <optional>
#include <string>
#include <string_view>

namespace archway::crypto {

std::string base64url_encode(std::string_view bytes);
// nullopt on any character outside the alphabet, on padding, or on an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace archway::crypto
