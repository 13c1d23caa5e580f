#pragma once
// Wall-clock helpers for timestamps the REST APIs show.
#include <cstdint>
#include <string>

namespace archway::common {

std::int64_t now_millis();
// RFC 3339 / ISO 8601 in UTC with milliseconds, e.g. 2026-11-24T19:34:28.123Z.
std::string iso8601_utc(std::int64_t epoch_millis);

}  // namespace archway::common
