#pragma once
// Conversions between JSON and XML payloads for the jsonToXML and xmlToJson policies. The mapping
// (docs/mediation.md, "JSON and XML"): object members become child elements, arrays repeated
// elements, "@name" members attributes, "#text" the element's text; numbers and booleans become
// text and come back typed; namespace prefixes stay part of the names and "@xmlns:p" declares
// them. Both directions refuse input they cannot map faithfully with a message saying where.
#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace archway::gateway {

// The outcome of a payload conversion: the new body, or why the input was refused.
struct PayloadResult {
  std::string body;
  std::string error;  // empty on success
  bool ok() const { return error.empty(); }
};

inline constexpr std::size_t kMaxPayloadDepth = 64;  // nesting accepted in either direction

// `json` as an XML document whose root element is `root` (a valid XML name).
PayloadResult json_to_xml(std::string_view json, std::string_view root);

// `xml` as JSON. A root element named "jsonObject" is unwrapped (the default root of json_to_xml),
// any other root becomes the single member of the top-level object.
PayloadResult xml_to_json(std::string_view xml);

// Parses a JSON payload (at most kMaxPayloadDepth levels) into memory from `sp`; nullopt with
// `error` saying at which byte and why when it is not JSON.
std::optional<boost::json::value> parse_json_payload(std::string_view text, boost::json::storage_ptr sp,
                                                     std::string& error);

// Whether `name` is an XML 1.0 element or attribute name (ASCII rules; bytes >= 0x80 accepted).
bool is_xml_name(std::string_view name);

}  // namespace archway::gateway
