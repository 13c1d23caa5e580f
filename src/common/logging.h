#pragma once
// Process-wide logging set-up (spdlog). Modules log through spdlog's default logger.
#include <string_view>

namespace archway::common {

// Level names: trace, debug, info, warn, error, critical, off. Returns false for an unknown name.
// `json`: each line is one JSON object {"time","level","message"} (the message escaped), for log
// collectors; else a readable line "time level message".
bool init_logging(std::string_view level, bool json = false);

}  // namespace archway::common
