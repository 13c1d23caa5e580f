#pragma once
// Where a secured operation's caller puts the credential: Authorization, unless the API names its
// own header (authorizationHeader). Shared by the authentication filters.
#include "gateway/filter.h"

namespace archway::gateway::filters {

inline std::string_view credential_of(const Call& call) {
  return call.api.authorization_header.empty() ? call.request[http::h1::FieldId::kAuthorization]
                                               : call.request[std::string_view(call.api.authorization_header)];
}

// Removes the caller's credential: like the product (RemoveOAuthHeadersFromOutMessage), it stays
// at the gateway.
inline void drop_credential(Call& call) {
  if (call.api.authorization_header.empty()) call.request.erase(http::h1::FieldId::kAuthorization);
  else call.request.erase(std::string_view(call.api.authorization_header));
}

// Whether mutual TLS alone let the caller in: the other schemes then stand aside.
inline bool by_client_certificate(const Call& call) { return call.client_cert && !call.api.app_auth_mandatory; }

// Whether HTTP Basic decides this request: it carries Basic credentials, or Basic is the only
// scheme that could apply to it.
inline bool basic_decides(const Call& call) {
  const std::string_view credential = credential_of(call);
  const bool basic = credential.size() > 6 && http::h1::iequals(credential.substr(0, 6), "Basic ");
  return call.api.basic_auth &&
         (basic || (!call.api.oauth2 && (!call.api.api_key || call.request[http::h1::FieldId::kApikey].empty())));
}

}  // namespace archway::gateway::filters
