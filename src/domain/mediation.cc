#include "domain/mediation.h"

namespace archway::domain {

namespace {

constexpr const char* kHeaderName = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";  // an HTTP token (RFC 9110)
constexpr const char* kMethod = "^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS)$";
constexpr const char* kXmlName = "^[A-Za-z_][A-Za-z0-9._-]*$";  // an XML name without a prefix

}  // namespace

const std::vector<PolicySpec>& builtin_policies() {
  static const std::vector<PolicySpec> kSpecs = {
      {"addHeader", "Add Header", "Adds a header (another value if it is present already).", "Mediation",
       {"request", "response", "fault"},
       {{"headerName", "Header Name", "Name of the header to add", true, kHeaderName},
        {"headerValue", "Header Value", "Value of the header", true, ""}}},
      {"setHeader", "Set Header", "Sets a header, replacing any value it had.", "Mediation",
       {"request", "response", "fault"},
       {{"headerName", "Header Name", "Name of the header to set", true, kHeaderName},
        {"headerValue", "Header Value", "Value of the header", true, ""}}},
      {"removeHeader", "Remove Header", "Removes a header.", "Mediation", {"request", "response", "fault"},
       {{"headerName", "Header Name", "Name of the header to remove", true, kHeaderName}}},
      {"addQueryParam", "Add Query Param", "Adds a query parameter to the backend request.", "Mediation",
       {"request"},
       {{"paramKey", "Query Parameter Key", "Name of the query parameter", true, "^[^&=#]+$"},
        {"paramValue", "Query Parameter Value", "Value of the query parameter", true, ""}}},
      {"removeQueryParam", "Remove Query Param", "Removes a query parameter from the backend request.",
       "Mediation", {"request"},
       {{"paramKey", "Query Parameter Key", "Name of the query parameter", true, "^[^&=#]+$"}}},
      {"rewriteMethod", "Rewrite HTTP Method", "Changes the HTTP method of the backend request.", "Mediation",
       {"request"},
       {{"currentMethod", "Current Method", "The method the operation is called with", false, kMethod},
        {"updatedMethod", "Updated Method", "The method sent to the backend", true, kMethod}}},
      {"rewritePath", "Rewrite Resource Path", "Replaces the resource path toward the backend; {param} "
       "segments take the values of the operation's path parameters.", "Mediation", {"request"},
       {{"resourcePath", "Resource Path", "The backend path, e.g. /v2/items/{itemId}", true, "^/.*$"},
        {"includeQueryParams", "Include Query Parameters", "true to keep the query string", false,
         "^(true|false)$"}}},
      {"mockResponse", "Mock Response", "Answers at the gateway without calling the backend (in the fault flow: "
       "replaces the error response; without statusCode the error's status stays).", "Mediation",
       {"request", "fault"},
       {{"statusCode", "Status Code", "HTTP status of the answer", false, "^[1-5][0-9][0-9]$"},
        {"contentType", "Content Type", "Media type of the body", false, ""},
        {"body", "Body", "The body of the answer", false, ""}}},
      {"jsonToXML", "JSON to XML", "Converts a JSON payload to XML (docs/mediation.md gives the mapping) and sets "
       "Content-Type: application/xml.", "Mediation", {"request", "response", "fault"},
       {{"rootElement", "Root Element", "Name of the XML root element (default jsonObject)", false, kXmlName}}},
      {"xmlToJson", "XML to JSON", "Converts an XML payload to JSON (docs/mediation.md gives the mapping) and sets "
       "Content-Type: application/json.", "Mediation", {"request", "response"}, {}},
      {"jsonTransform", "JSON Transformation", "Runs pick, rename, set and remove operations, in order, on a JSON "
       "payload; fields are addressed by JSON pointers (RFC 6901).", "Mediation", {"request", "response", "fault"},
       {{"operations", "Operations", "JSON array such as [{\"op\":\"rename\",\"from\":\"/a\",\"to\":\"/b\"}]", true, "",
         "JSON"}}},
  };
  return kSpecs;
}

const PolicySpec* find_builtin_policy(std::string_view name) {
  for (const auto& s : builtin_policies())
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace archway::domain
