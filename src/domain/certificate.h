#pragma once
// Certificates the Publisher uploads: endpoint certificates (trusted, besides the gateway's trust
// store, when the gateway calls an HTTPS backend at their endpoint) and client certificates of an
// API (callers presenting one over TLS pass the API's mutual SSL check, with its key type and
// tier).
#include <cstdint>
#include <string>
#include <string_view>

namespace archway::domain {

struct EndpointCertificate {
  std::string alias;     // unique
  std::string endpoint;  // the backend URL it applies to (scheme, host and port count)
  std::string pem;
  std::int64_t created_time = 0;
};

struct ClientCertificate {
  std::string api_id;
  std::string key_type = "PRODUCTION";  // or SANDBOX
  std::string alias;                    // unique per API and key type
  std::string tier;                     // the subscription policy its callers are throttled by
  std::string pem;
  std::int64_t created_time = 0;
};

}  // namespace archway::domain
