#pragma once
// Serves the web portals from the management listener: /publisher, /devportal and /admin (each a
// single-page app: its index.html for every client-side route), their hashed files under
// /assets/ (cached for a year), compressed with brotli or gzip when the browser takes it.
#include <span>
#include <string_view>

#include "http/rest_router.h"
#include "webui/web_assets.h"

namespace archway::webui {

class StaticSite {
 public:
  explicit StaticSite(std::span<const WebAsset> assets) : assets_(assets) {}

  // GET and HEAD routes for the portals, /assets/ and / (which leads to the Developer Portal).
  void add_routes(http::RestRouter& router) const;

  // The answer for one path ("/publisher/apis/1", "/assets/x.js").
  http::RestResponse serve(const http::RestRequest& req) const;

  static constexpr std::string_view kPortals[] = {"publisher", "devportal", "admin"};

 private:
  const WebAsset* find(std::string_view path) const;
  http::RestResponse answer(const WebAsset& asset, const http::RestRequest& req, bool immutable) const;

  std::span<const WebAsset> assets_;
};

// "text/javascript; charset=utf-8" for "x.js", by extension; application/octet-stream when unknown.
std::string_view media_type_of(std::string_view path);

// Which stored encoding to send for an Accept-Encoding header: "br", "gzip" or "" (identity).
std::string_view pick_encoding(std::string_view accept_encoding, bool have_br, bool have_gzip);

}  // namespace archway::webui
