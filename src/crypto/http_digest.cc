#include "crypto/http_digest.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cctype>

#include "common/strings.h"
#include "crypto/random.h"

namespace archway::crypto {

namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void skip_ws(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

std::string token_at(std::string_view s, std::size_t& i) {
  const std::size_t start = i;
  while (i < s.size() && is_token_char(s[i])) ++i;
  return std::string(s.substr(start, i - start));
}

std::string hex_hash(std::string_view algorithm, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, algorithm.starts_with("SHA-256") ? EVP_sha256() : EVP_md5(), nullptr);
  return hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

// A quoted-string for a header parameter: backslash before '"' and '\'.
std::string quoted(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::optional<std::map<std::string, std::string>> auth_params(std::string_view h, std::string_view scheme) {
  // challenge = auth-scheme [ 1*SP #auth-param ]; challenges are comma-separated too, so a new
  // challenge starts where a token is not followed by '='.
  std::size_t i = 0;
  bool in_scheme = false;
  std::map<std::string, std::string> params;
  while (i < h.size()) {
    skip_ws(h, i);
    if (i < h.size() && h[i] == ',') {
      ++i;
      continue;
    }
    const std::string name = token_at(h, i);
    if (name.empty()) return in_scheme ? std::optional(params) : std::nullopt;  // malformed: stop here
    skip_ws(h, i);
    if (i < h.size() && h[i] == '=') {
      ++i;
      skip_ws(h, i);
      std::string value;
      if (i < h.size() && h[i] == '"') {
        ++i;
        while (i < h.size() && h[i] != '"') {
          if (h[i] == '\\' && i + 1 < h.size()) ++i;
          value.push_back(h[i++]);
        }
        if (i < h.size()) ++i;  // closing quote
      } else {
        value = token_at(h, i);
        // token68 values may end in '='
        while (i < h.size() && h[i] == '=') value.push_back(h[i++]);
      }
      if (in_scheme) params.emplace(common::to_lower(name), std::move(value));
      continue;
    }
    // A scheme name: the one asked for begins; any other ends it.
    if (in_scheme) return params;
    in_scheme = iequal(name, scheme);
  }
  if (in_scheme) return params;
  return std::nullopt;
}

std::optional<DigestChallenge> parse_digest_challenge(std::string_view www_authenticate) {
  auto p = auth_params(www_authenticate, "Digest");
  if (!p) return std::nullopt;
  DigestChallenge c;
  auto get = [&](const char* k) -> const std::string* {
    auto it = p->find(k);
    return it == p->end() ? nullptr : &it->second;
  };
  const std::string* realm = get("realm");
  const std::string* nonce = get("nonce");
  if (!realm || !nonce || nonce->empty()) return std::nullopt;
  c.realm = *realm;
  c.nonce = *nonce;
  if (const std::string* o = get("opaque")) {
    c.opaque = *o;
    c.has_opaque = true;
  }
  if (const std::string* a = get("algorithm")) {
    static constexpr std::string_view kKnown[] = {"MD5", "MD5-sess", "SHA-256", "SHA-256-sess"};
    bool known = false;
    for (auto k : kKnown)
      if (iequal(*a, k)) {
        c.algorithm = std::string(k);
        known = true;
      }
    if (!known) return std::nullopt;
  }
  if (const std::string* q = get("qop")) {
    std::size_t i = 0;
    while (i < q->size()) {
      std::size_t j = q->find(',', i);
      if (j == std::string::npos) j = q->size();
      std::string_view opt(q->data() + i, j - i);
      while (!opt.empty() && opt.front() == ' ') opt.remove_prefix(1);
      while (!opt.empty() && opt.back() == ' ') opt.remove_suffix(1);
      if (iequal(opt, "auth")) c.qop_auth = true;
      i = j + 1;
    }
    if (!c.qop_auth) return std::nullopt;  // auth-int only: the body would have to be hashed
  }
  if (const std::string* s = get("stale")) c.stale = iequal(*s, "true");
  return c;
}

std::string digest_response(std::string_view algorithm, std::string_view username, std::string_view realm,
                            std::string_view password, std::string_view nonce, std::string_view nc,
                            std::string_view cnonce, std::string_view qop, std::string_view method,
                            std::string_view uri) {
  std::string ha1 = hex_hash(algorithm, fmt::format("{}:{}:{}", username, realm, password));
  if (algorithm.ends_with("-sess")) ha1 = hex_hash(algorithm, fmt::format("{}:{}:{}", ha1, nonce, cnonce));
  const std::string ha2 = hex_hash(algorithm, fmt::format("{}:{}", method, uri));
  if (qop.empty()) return hex_hash(algorithm, fmt::format("{}:{}:{}", ha1, nonce, ha2));
  return hex_hash(algorithm, fmt::format("{}:{}:{}:{}:{}:{}", ha1, nonce, nc, cnonce, qop, ha2));
}

std::string digest_authorization(const DigestChallenge& c, std::string_view username, std::string_view password,
                                 std::string_view method, std::string_view uri, std::uint32_t nc,
                                 std::string_view cnonce) {
  const std::string nc_hex = fmt::format("{:08x}", nc);
  const std::string_view qop = c.qop_auth ? "auth" : "";
  std::string h = "Digest username=" + quoted(username) + ", realm=" + quoted(c.realm) + ", nonce=" + quoted(c.nonce) +
                  ", uri=" + quoted(uri) + ", algorithm=" + c.algorithm + ", response=\"" +
                  digest_response(c.algorithm, username, c.realm, password, c.nonce, nc_hex, cnonce, qop, method, uri) +
                  "\"";
  if (c.qop_auth) h += ", qop=auth, nc=" + nc_hex + ", cnonce=" + quoted(cnonce);
  if (c.has_opaque) h += ", opaque=" + quoted(c.opaque);
  return h;
}

}  // namespace archway::crypto
