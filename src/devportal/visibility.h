#pragma once
// Who reads the Developer Portal and what each reader sees. Anonymous callers (no Authorization
// header) may browse; credentials that are sent must be right. An API is shown when its lifecycle
// state lets the portal show it and its visibility admits the reader: PUBLIC anyone, PRIVATE any
// signed-in user, RESTRICTED signed-in users holding one of its visibleRoles (admins see all).
#include <optional>

#include "domain/api.h"
#include "domain/user.h"
#include "http/rest_router.h"
#include "identity/authenticator.h"

namespace archway::devportal {

// The signed-in user, or nullopt for an anonymous caller; 401 for wrong credentials.
std::optional<domain::User> reader_of(identity::Authenticator& auth, const http::RestRequest& req);

bool shown_to(const domain::Api& api, const std::optional<domain::User>& reader);

}  // namespace archway::devportal
