#pragma once
// Developer Portal v3: an application exported as a zip (its settings, the APIs it subscribes to by
// provider, name and version, and with `withKeys` its key metadata) and imported into another
// installation, as the product's CLI moves applications between environments (role admin).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::devportal {

void add_application_transfer_routes(http::RestRouter& router, identity::Authenticator& auth, store::Store& store);

}  // namespace archway::devportal
