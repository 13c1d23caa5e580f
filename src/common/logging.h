#pragma once
// Process-wide logging set-up (spdlog). Modules log through spdlog's default logger.
#include <string_view>

namespace archway::common {

// Level names: trace, debug, info, warn, error, off. Returns false for an unknown name.
bool init_logging(std::string_view level);

}  // namespace archway::common
