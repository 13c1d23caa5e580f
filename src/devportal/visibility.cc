#include "devportal/visibility.h"

#include <algorithm>

#include "domain/lifecycle.h"

namespace archway::devportal {

std::optional<domain::User> reader_of(identity::Authenticator& auth, const http::RestRequest& req) {
  auto caller = auth.identify(req);
  if (!caller) return std::nullopt;
  return std::move(caller->user);
}

bool shown_to(const domain::Api& api, const std::optional<domain::User>& reader) {
  if (!domain::shown_in_devportal(api.lifecycle_status)) return false;
  if (api.visibility == "PUBLIC") return true;
  if (!reader) return false;
  if (api.visibility == "PRIVATE" || reader->has_role(domain::kRoleAdmin)) return true;
  return std::any_of(api.visible_roles.begin(), api.visible_roles.end(),
                     [&](const std::string& role) { return reader->has_role(role); });
}

}  // namespace archway::devportal
