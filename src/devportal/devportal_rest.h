#pragma once
// Developer Portal REST API v3 (/api/am/devportal/v3), WSO2 API Manager 4.x paths and shapes:
// published APIs (browsable anonymously, see visibility.h), tags, applications, keys and tokens,
// subscriptions, the caller's password.
#include <functional>
#include <string>

#include "domain/api.h"
#include "domain/server_info.h"
#include "http/rest_router.h"
#include "keymanager/key_manager.h"
#include "identity/authenticator.h"
#include "identity/user_service.h"
#include "store/store.h"
#include "workflow/approvals.h"

namespace archway::devportal {

inline constexpr std::string_view kDevportalBase = "/api/am/devportal/v3";

using DefinitionSource = std::function<std::string(const domain::Api&)>;

// `self_signup`: whether POST /me/sign-up creates subscriber accounts.
// `server` names the gateway environments and their URLs (an API's endpointURLs); `definition`
// gives an API's OpenAPI definition as the portal shows it (the API object's apiDefinition). Applications,
// subscriptions and tier changes wait for approval when `approvals` says so.
void add_devportal_routes(http::RestRouter& router, store::Store& store, keymanager::KeyManager& km,
                          workflow::Approvals& approvals,
                          identity::Authenticator& auth, identity::UserService& users, bool self_signup,
                          domain::ServerInfoSource server, DefinitionSource definition = nullptr);

// What approving or rejecting the Developer Portal's tasks does: an application becomes APPROVED
// (or REJECTED), a subscription UNBLOCKED (or REJECTED), a tier change applied (or dropped).
void add_approval_completions(workflow::Approvals& approvals, store::Store& store);

}  // namespace archway::devportal
