#pragma once
// Recognises the image formats the Publisher takes as thumbnails by their leading bytes, not by
// what the client claims.
#include <optional>
#include <string_view>

namespace archway::domain {

// "image/png", "image/jpeg", "image/gif", "image/webp" or "image/svg+xml"; nullopt for anything
// else.
std::optional<std::string_view> image_media_type(std::string_view bytes);

}  // namespace archway::domain
