#pragma once
// The management plane's REST routing: method + path pattern ("/apis/{apiId}") to a handler.
// Handlers may throw common::ProblemError; the server turns it into a JSON problem response.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace archway::http {

struct PeerCertificate;  // http/peer_certificate.h

struct RestRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path, no query
  // The path as sent (still percent-encoded), no query: routes match its segments, each path
  // parameter decoded once, so %2F stays inside a parameter and %2525 becomes %25. Empty: `path`.
  std::string raw_path;
  std::map<std::string, std::string> query;  // decoded; last value wins
  std::map<std::string, std::string> path_params;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string body;
  std::string remote_address;
  bool secure = false;
  // The TLS client certificate of the connection (remote gateways, mutual TLS); null: none.
  std::shared_ptr<const PeerCertificate> peer_certificate;
  // Who the authenticator found the caller to be (user name), for the audit log; empty: nobody.
  mutable std::string principal;

  std::string_view header(std::string_view lower_name) const;
  const std::string* query_param(std::string_view name) const;
};

// A response body written as it is produced (chunked transfer coding), for long-lived streams such
// as the gateway feed. The server pulls it on its connection's strand and never blocks on it.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Appends what is ready now to `out`; false once the stream has ended (after its last bytes).
  virtual bool pull(std::string& out) = 0;
  // Registers `wake`, which the stream calls (from any thread) when more is ready. The server
  // also pulls about once a second without it (heartbeats).
  virtual void set_wake(std::function<void()> wake) = 0;
};

struct RestResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // Set: the body is this stream, written chunked after the head (`body` is ignored).
  std::shared_ptr<ResponseStream> stream;

  static RestResponse json(int status, std::string body);
  static RestResponse empty(int status);
};

using RestHandler = std::function<RestResponse(RestRequest&)>;

class RestRouter {
 public:
  void add(std::string_view method, std::string_view pattern, RestHandler handler);

  // Finds the handler; fills path params. A pattern ending in "{name...}" matches any number of
  // further segments (none too), joined by '/' into that parameter. Where several routes match, the most specific wins: a
  // literal segment beats a parameter at the first place they differ, whatever the order of add().
  // Returns nullptr and sets `path_known` when the path matched some route under another method
  // (the caller answers 405) or not at all (404).
  const RestHandler* match(RestRequest& req, bool& path_known) const;

  // What is registered, in the order of add(): the method and the pattern as given ("/a/{b}").
  struct RouteInfo {
    std::string method;
    std::string pattern;
  };
  std::vector<RouteInfo> routes() const;

  // Replaces each handler registered so far whose route `applies` by `wrapper(that handler)`: a
  // check that many routes share (the Publisher's access control) added once, after them.
  void wrap(const std::function<bool(const RouteInfo&)>& applies,
            const std::function<RestHandler(RestHandler)>& wrapper);

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" marks a parameter; a last "{name...}" takes the rest
    RestHandler handler;
    bool takes_rest() const { return !segments.empty() && segments.back().ends_with("...}"); }
  };
  std::vector<Route> routes_;
};

// Query parameters with checks: each throws common::ProblemError(400) naming the parameter.
// The integer `name` within [min, max]; `def` when absent.
std::int64_t query_int(const RestRequest& req, std::string_view name, std::int64_t def, std::int64_t min,
                       std::int64_t max);
// "true" or "false"; `def` when absent.
bool query_bool(const RestRequest& req, std::string_view name, bool def);
// A present, non-empty value.
const std::string& required_query(const RestRequest& req, std::string_view name);

// Decodes "Basic base64(user:password)"; nullopt when absent or malformed.
std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view authorization);

// Splits "a=1&b=x%20y" into decoded pairs.
std::map<std::string, std::string> parse_query(std::string_view query);
// Decodes %XX escapes; '+' becomes a space only in query strings.
std::string percent_decode(std::string_view s, bool plus_is_space = false);

}  // namespace archway::http
