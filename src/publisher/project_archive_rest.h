#pragma once
// Publisher REST v4 project archives (see project_archive.h): GET /apis/export and
// GET /api-products/export (a zip in the product's CLI layout), POST /apis/import and
// POST /api-products/import (multipart `file`).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/project_archive.h"

namespace archway::publisher {

void add_project_archive_routes(http::RestRouter& router, ProjectArchive& projects, ApiService& apis,
                                ApiService& products, identity::Authenticator& auth);

}  // namespace archway::publisher
