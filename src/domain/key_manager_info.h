#pragma once
// The product's KeyManagerInfo (Publisher and Developer Portal GET /key-managers): what a portal
// needs to offer key generation or key mapping for a key manager.
#include <boost/json/object.hpp>

#include "domain/application.h"
#include "domain/server_info.h"

namespace archway::domain {

inline constexpr std::string_view kResidentKeyManagerId = "resident";

// The resident Key Manager: creates OAuth2 clients and issues their tokens.
boost::json::object resident_key_manager_info(const ServerInfo& server);
// An external key manager: its tokens are accepted, its clients are mapped (map-keys), not created.
boost::json::object external_key_manager_info(const ExternalKeyManager& km);
// The product's KeyManagerList: the resident Key Manager, then the enabled ones of `externals`.
boost::json::object key_manager_list(const ServerInfo& server, const std::vector<ExternalKeyManager>& externals);

}  // namespace archway::domain
