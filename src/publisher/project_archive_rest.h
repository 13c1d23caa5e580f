#pragma once
// Publisher REST v4 project archives: GET /apis/export (a zip in the product's CLI layout) and
// POST /apis/import (multipart `file`), see project_archive.h.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/project_archive.h"

namespace archway::publisher {

void add_project_archive_routes(http::RestRouter& router, ProjectArchive& projects, ApiService& apis,
                                identity::Authenticator& auth);

}  // namespace archway::publisher
