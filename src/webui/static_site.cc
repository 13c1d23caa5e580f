#include "webui/static_site.h"

#include <algorithm>
#include <string>

#include "common/problem.h"
#include "common/strings.h"

namespace archway::webui {

using http::RestRequest;
using http::RestResponse;

namespace {

// The portals' own pages: scripts only from here, data from any origin (try-it calls gateways).
constexpr const char* kPageSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: http: https:; "
    "font-src 'self' data:; connect-src 'self' http: https:; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool accepts(std::string_view header, std::string_view coding) {
  // Accept-Encoding: br;q=1.0, gzip;q=0.5, *;q=0 (RFC 9110 §12.5.3); q=0 means "not acceptable".
  while (!header.empty()) {
    const auto comma = header.find(',');
    const std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const auto semi = item.find(';');
    if (common::to_lower(std::string(trim(item.substr(0, semi))))!= coding) continue;
    if (semi == std::string_view::npos) return true;
    const std::string_view params = item.substr(semi + 1);
    const auto q = params.find("q=");
    if (q == std::string_view::npos) return true;
    const std::string_view value = trim(params.substr(q + 2));
    return value.find_first_not_of("0.") != std::string_view::npos;
  }
  return false;
}

}  // namespace

std::string_view media_type_of(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "wasm") return "application/wasm";
  return "application/octet-stream";
}

std::string_view pick_encoding(std::string_view accept_encoding, bool have_br, bool have_gzip) {
  if (have_br && accepts(accept_encoding, "br")) return "br";
  if (have_gzip && accepts(accept_encoding, "gzip")) return "gzip";
  return "";
}

const WebAsset* StaticSite::find(std::string_view path) const {
  auto it = std::lower_bound(assets_.begin(), assets_.end(), path,
                             [](const WebAsset& a, std::string_view p) { return a.path < p; });
  return it != assets_.end() && it->path == path ? &*it : nullptr;
}

RestResponse StaticSite::answer(const WebAsset& asset, const RestRequest& req, bool immutable) const {
  RestResponse r;
  r.content_type = std::string(media_type_of(asset.path));
  r.headers.emplace_back("ETag", std::string(asset.etag));
  r.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (asset.path.ends_with(".html")) {
    r.headers.emplace_back("Content-Security-Policy", kPageSecurityPolicy);
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    r.headers.emplace_back("X-Frame-Options", "DENY");
  }
  const bool compressible = !asset.gzip.empty() || !asset.brotli.empty();
  if (compressible) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (req.header("if-none-match") == asset.etag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  const std::string_view enc = pick_encoding(req.header("accept-encoding"), !asset.brotli.empty(), !asset.gzip.empty());
  const std::string_view bytes = enc == "br" ? asset.brotli : enc == "gzip" ? asset.gzip : asset.body;
  if (!enc.empty()) r.headers.emplace_back("Content-Encoding", std::string(enc));
  r.body.assign(bytes.data(), bytes.size());
  return r;
}

RestResponse StaticSite::serve(const RestRequest& req) const {
  std::string_view path = req.path;
  if (path == "/" || path.empty()) {
    RestResponse r = RestResponse::empty(302);
    r.headers.emplace_back("Location", "/devportal/");
    return r;
  }
  path.remove_prefix(1);
  if (path.starts_with("assets/")) {
    if (const WebAsset* a = find(path)) return answer(*a, req, true);
    throw common::ProblemError(common::Problem::not_found("No web asset at " + req.path));
  }
  const auto slash = path.find('/');
  const std::string_view portal = path.substr(0, slash);
  if (std::find(std::begin(kPortals), std::end(kPortals), portal) == std::end(kPortals))
    throw common::ProblemError(common::Problem::not_found("No resource at " + req.path));
  if (assets_.empty())
    throw common::ProblemError(common::Problem{503, 503, "Service Unavailable",
                                               "This archway binary was built without the web portals: build them "
                                               "with `make build` (needs npm) and rebuild the server"});
  const std::string_view rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  if (!rest.empty() && rest != "index.html")
    if (const WebAsset* a = find(path)) return answer(*a, req, false);
  // A client-side route gets the app; a missing file (a name with an extension) does not.
  const std::string_view last = rest.substr(rest.rfind('/') == std::string_view::npos ? 0 : rest.rfind('/') + 1);
  if (last.find('.') != std::string_view::npos && last != "index.html")
    throw common::ProblemError(common::Problem::not_found("No web asset at " + req.path));
  const WebAsset* index = find(std::string(portal) + "/index.html");
  if (!index) throw common::ProblemError(common::Problem::not_found("No resource at " + req.path));
  return answer(*index, req, false);
}

void StaticSite::add_routes(http::RestRouter& router) const {
  auto handler = [this](RestRequest& req) { return serve(req); };
  for (const char* method : {"GET", "HEAD"}) {
    router.add(method, "/", handler);
    router.add(method, "/assets/{path...}", handler);
    for (std::string_view portal : kPortals) router.add(method, "/" + std::string(portal) + "/{path...}", handler);
  }
}

}  // namespace archway::webui
