#pragma once
// Publisher REST API v4: an API's documents (/apis/{apiId}/documents[/{documentId}[/content]]),
// its thumbnail (/apis/{apiId}/thumbnail), the same for API products
// (/api-products/{apiProductId}/documents..., /thumbnail) and the API categories APIs can name
// (/api-categories).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/document_service.h"

namespace archway::publisher {

// `api_docs` serves /apis, `product_docs` (ApiKind::kProduct) /api-products.
void add_document_routes(http::RestRouter& router, DocumentService& api_docs, DocumentService& product_docs,
                         store::Store& store, identity::Authenticator& auth);

// The product's APICategory: {id, name, description, numberOfAPIs}.
boost::json::object category_json(const domain::ApiCategory& c);

// The response to GET .../documents/{id}/content: 303 to a URL document's address, otherwise the
// stored text or file (files as an attachment with their name).
http::RestResponse document_content_response(const DocumentService::Content& content);

}  // namespace archway::publisher
