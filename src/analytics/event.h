#pragma once
// One gateway request as analytics sees it: a fixed-size record with bounded inline copies of its
// strings, so a worker fills a preallocated slot of its ring (event_ring.h) without allocating.
// Strings longer than their field are cut (the UTF-8 tail may be cut mid-character; the store
// repairs nothing, JSON output replaces invalid bytes).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace archway::analytics {

template <std::size_t N>
struct InlineText {
  std::uint16_t size = 0;
  char data[N];

  void assign(std::string_view s) noexcept {
    size = static_cast<std::uint16_t>(std::min(s.size(), N));
    if (size) std::memcpy(data, s.data(), size);
  }
  void clear() noexcept { size = 0; }
  std::string_view view() const noexcept { return {data, size}; }
  bool empty() const noexcept { return size == 0; }
};

// Why a request failed (the contract's categories); kNone when its status is below 400.
enum class ErrorCategory : std::uint8_t { kNone, kAuth, kThrottling, kRouting, kMediation, kTarget, kBackend, kOther };
inline constexpr ErrorCategory kCategories[] = {ErrorCategory::kAuth,      ErrorCategory::kThrottling,
                                                ErrorCategory::kRouting,   ErrorCategory::kMediation,
                                                ErrorCategory::kTarget,    ErrorCategory::kBackend,
                                                ErrorCategory::kOther};

constexpr std::string_view category_name(ErrorCategory c) noexcept {
  switch (c) {
    case ErrorCategory::kNone: return "";
    case ErrorCategory::kAuth: return "auth";
    case ErrorCategory::kThrottling: return "throttling";
    case ErrorCategory::kRouting: return "routing";
    case ErrorCategory::kMediation: return "mediation";
    case ErrorCategory::kTarget: return "target";
    case ErrorCategory::kBackend: return "backend";
    case ErrorCategory::kOther: return "other";
  }
  return "";
}

enum class KeyType : std::uint8_t { kNone, kProduction, kSandbox };
constexpr std::string_view key_type_name(KeyType k) noexcept {
  return k == KeyType::kProduction ? "PRODUCTION" : k == KeyType::kSandbox ? "SANDBOX" : "";
}

struct Event {
  std::int64_t time_ms = 0;           // wall clock, when the request's head was read
  std::int64_t total_us = 0;          // head read -> response written (or the exchange over)
  std::int64_t backend_us = 0;        // request sent -> response head read (0: not forwarded)
  std::int64_t request_bytes = 0;     // body bytes read from the client
  std::int64_t response_bytes = 0;    // body bytes written to the client
  std::int32_t error_code = 0;        // the gateway's code for its own answers (900901, ...); 0: none
  std::uint16_t status = 0;           // as sent to the client
  ErrorCategory category = ErrorCategory::kNone;
  KeyType key_type = KeyType::kNone;
  bool throttled = false;
  bool forwarded = false;             // reached a backend (backend_us is meaningful)

  InlineText<40> api_id;
  InlineText<80> api_name;
  InlineText<32> api_version;
  InlineText<96> api_context;
  InlineText<12> method;
  InlineText<128> resource;           // the operation's template ("/pets/{id}"), or the raw path when unrouted
  InlineText<40> application_id;
  InlineText<80> application_name;
  InlineText<64> application_owner;
  InlineText<64> subscriber;
  InlineText<12> auth_type;           // oauth2, api_key, basic, mutual_tls, none; empty: not authenticated
  InlineText<46> client_ip;
  InlineText<128> user_agent;
  InlineText<64> throttle_policy;
  InlineText<96> backend;             // scheme://host:port of the endpoint that answered
  InlineText<40> product_id;          // the API product the call came through (api_* name the API it reached)
  InlineText<80> product_name;
};

// A request "errors" when the status its client got is 400 or more.
constexpr bool is_error(unsigned status) noexcept { return status >= 400; }

}  // namespace archway::analytics
