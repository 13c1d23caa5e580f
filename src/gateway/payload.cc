#include "gateway/payload.h"

#include <boost/json.hpp>

#include <charconv>

namespace archway::gateway {

namespace json = boost::json;

namespace {

// An array index token: digits without a leading zero (RFC 6901).
bool array_index(const std::string& token, std::size_t& index) {
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return false;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  return ec == std::errc() && ptr == token.data() + token.size();
}

json::value* find(json::value& doc, const domain::JsonPointer& p) {
  json::value* at = &doc;
  for (const auto& token : p) {
    if (at->is_object()) {
      at = at->get_object().if_contains(token);
    } else if (at->is_array()) {
      std::size_t i = 0;
      if (!array_index(token, i) || i >= at->get_array().size()) return nullptr;
      at = &at->get_array()[i];
    } else {
      return nullptr;
    }
    if (!at) return nullptr;
  }
  return at;
}

// Puts `v` at `p`, creating objects for missing parents; a scalar in the way is replaced by an
// object. In arrays, an index inside replaces, "-" or the size appends, others are skipped.
void put(json::value& doc, const domain::JsonPointer& p, json::value v) {
  if (p.empty()) {
    doc = std::move(v);
    return;
  }
  json::value* at = &doc;
  for (std::size_t k = 0; k + 1 < p.size(); ++k) {
    if (at->is_array()) {
      std::size_t i = 0;
      if (!array_index(p[k], i) || i >= at->get_array().size()) return;
      at = &at->get_array()[i];
      continue;
    }
    if (!at->is_object()) *at = json::object(at->storage());
    json::object& o = at->get_object();
    json::value* next = o.if_contains(p[k]);
    if (!next) next = &(o[p[k]] = json::object(o.storage()));
    at = next;
  }
  const std::string& last = p.back();
  if (at->is_array()) {
    json::array& a = at->get_array();
    std::size_t i = 0;
    if (last == "-" || (array_index(last, i) && i == a.size())) a.push_back(std::move(v));
    else if (array_index(last, i) && i < a.size()) a[i] = std::move(v);
    return;
  }
  if (!at->is_object()) *at = json::object(at->storage());
  at->get_object()[last] = std::move(v);
}

bool erase(json::value& doc, const domain::JsonPointer& p, json::value* taken) {
  if (p.empty()) return false;
  domain::JsonPointer parent_path(p.begin(), p.end() - 1);
  json::value* parent = find(doc, parent_path);
  if (!parent) return false;
  if (parent->is_object()) {
    json::object& o = parent->get_object();
    auto it = o.find(p.back());
    if (it == o.end()) return false;
    if (taken) *taken = std::move(it->value());
    o.erase(it);
    return true;
  }
  if (parent->is_array()) {
    json::array& a = parent->get_array();
    std::size_t i = 0;
    if (!array_index(p.back(), i) || i >= a.size()) return false;
    if (taken) *taken = std::move(a[i]);
    a.erase(a.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

}  // namespace

void apply_json_transform(const std::vector<domain::JsonTransformOp>& ops, json::value& doc) {
  using Kind = domain::JsonTransformOp::Kind;
  for (const auto& op : ops) {
    switch (op.kind) {
      case Kind::kPick: {
        json::value picked = json::object(doc.storage());
        for (const auto& p : op.paths)
          if (const json::value* v = find(doc, p)) put(picked, p, *v);
        doc = std::move(picked);
        break;
      }
      case Kind::kRename: {
        json::value moved;
        if (erase(doc, op.from, &moved)) put(doc, op.path, std::move(moved));
        break;
      }
      case Kind::kSet: put(doc, op.path, json::value(op.value, doc.storage())); break;
      case Kind::kRemove: erase(doc, op.path, nullptr); break;
    }
  }
}

PayloadResult run_body_steps(const std::vector<BodyStep>& steps, std::string_view body, std::string& content_type) {
  PayloadResult r;
  r.body.assign(body);
  for (const auto& step : steps) {
    PayloadResult next;
    switch (step.kind) {
      case BodyStep::Kind::kJsonToXml:
        next = json_to_xml(r.body, step.root);
        content_type = "application/xml";
        break;
      case BodyStep::Kind::kXmlToJson:
        next = xml_to_json(r.body);
        content_type = "application/json";
        break;
      case BodyStep::Kind::kJsonTransform: {
        json::monotonic_resource mr;
        std::optional<json::value> parsed = parse_json_payload(r.body, &mr, next.error);
        if (!parsed) break;
        json::value& doc = *parsed;
        apply_json_transform(step.operations, doc);
        next.body = json::serialize(doc);
        content_type = "application/json";
        break;
      }
    }
    if (!next.ok()) return next;
    r = std::move(next);
  }
  return r;
}

}  // namespace archway::gateway
