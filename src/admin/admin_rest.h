#pragma once
// Admin REST API v4 (/api/am/admin/v4): users and roles, external key managers, throttling
// policies (subscription, application, advanced), custom rules, deny policies, and the resident
// Key Manager's signing keys.
// Users are an Archway extension (the product manages them through its identity server).
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/problem.h"
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "identity/user_service.h"
#include "keymanager/jwks_fetcher.h"
#include "keymanager/key_manager.h"

namespace archway::admin {

inline constexpr std::string_view kAdminBase = "/api/am/admin/v4";

// kAdminBase + `suffix` ("/environments").
inline std::string admin_path(std::string_view suffix) { return std::string(kAdminBase) + std::string(suffix); }

// A gateway counts as active while its last feed call or heartbeat (about once a minute) is this
// recent: environments' gateway lists and the platform gateways both say so.
inline constexpr std::int64_t kGatewayActiveWithinMs = 3 * 60 * 1000;

// A JSON answer of the Admin routes.
inline http::RestResponse ok(int status, const boost::json::value& v) {
  return http::RestResponse::json(status, boost::json::serialize(v));
}
// A 400 problem with this description.
[[noreturn]] inline void bad(std::string description) {
  throw common::ProblemError(common::Problem::bad_request(std::move(description)));
}

// The {name, description} body of categories and labels: the name is required, at most 255
// characters, without control characters or surrounding spaces (trimmed); the description at most
// 1024 characters. 400 naming the field otherwise.
struct NameAndDescription {
  std::string name;
  std::string description;
};
NameAndDescription name_and_description(const http::RestRequest& req);

void add_admin_routes(http::RestRouter& router, identity::UserService& users, identity::Authenticator& auth,
                      keymanager::KeyManager& km, keymanager::JwksFetcher& jwks, store::Store& store);

}  // namespace archway::admin
