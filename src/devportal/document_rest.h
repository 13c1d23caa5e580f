#pragma once
// Developer Portal REST API v3, read-only: the documents of the APIs the portal shows the caller
// (API_LEVEL visibility only), their thumbnails, and the API categories (/api-categories).
// Anonymous callers may read them (devportal/visibility.h).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::devportal {

void add_document_routes(http::RestRouter& router, store::Store& store, identity::Authenticator& auth);

}  // namespace archway::devportal
