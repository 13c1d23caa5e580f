// Who may call which management route, over every route the server registers (its own list,
// written by --routes-file), so a route added without an authorization rule fails here:
// - anonymous callers get 401 everywhere but on the routes listed public below;
// - a subscriber (signed up through the Developer Portal) gets 403 on every Publisher, Admin and
//   Service Catalog route but those listed open to any signed-in user.
// Ids in paths are made up: the answer must come from authorization, before any lookup.
#include <fstream>
#include <regex>
#include <set>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

struct Route {
  std::string method, pattern;
};

std::vector<Route> registered_routes(const std::string& file) {
  std::vector<Route> out;
  for (auto& [method, pattern] : read_routes_file(file))
    if (pattern.starts_with("/api/am/")) out.push_back({method, pattern});
  return out;
}

// A concrete path for a pattern: every {param} becomes a made-up id.
std::string concrete(const std::string& pattern) {
  return std::regex_replace(pattern, std::regex(R"(\{[^}]*\})"), "01234567-89ab-cdef-0123-456789abcdef");
}

// Routes anonymous callers may use: the Developer Portal's public catalog (APIs whose visibility
// is PUBLIC, their documents, definitions, tiers, comments and ratings), sign-up and the settings the portal reads
// before anyone signs in. An unknown id there is a 404, as for any reader.
const std::set<std::string> kPublic = {
    "POST /api/am/devportal/v3/me/sign-up",
    "GET /api/am/devportal/v3/apis",
    "GET /api/am/devportal/v3/search",
    "GET /api/am/devportal/v3/tags",
    "GET /api/am/devportal/v3/api-categories",
    "GET /api/am/devportal/v3/apis/{apiId}",
    "GET /api/am/devportal/v3/apis/{apiId}/subscription-policies",
    "GET /api/am/devportal/v3/apis/{apiId}/documents",
    "GET /api/am/devportal/v3/apis/{apiId}/documents/{documentId}",
    "GET /api/am/devportal/v3/apis/{apiId}/documents/{documentId}/content",
    "GET /api/am/devportal/v3/apis/{apiId}/thumbnail",
    "GET /api/am/devportal/v3/apis/{apiId}/swagger",
    "GET /api/am/devportal/v3/apis/{apiId}/comments",
    "GET /api/am/devportal/v3/apis/{apiId}/comments/{commentId}",
    "GET /api/am/devportal/v3/apis/{apiId}/comments/{commentId}/replies",
    "GET /api/am/devportal/v3/apis/{apiId}/ratings",
    "GET /api/am/devportal/v3/settings",
    "GET /api/am/devportal/v3/settings/application-attributes",
    "GET /api/am/devportal/v3/key-managers",
    "GET /api/am/devportal/v3/throttling-policies/{policyLevel}",
    "GET /api/am/devportal/v3/throttling-policies/{policyLevel}/{policyId}",
};

// Publisher, Admin and Service Catalog routes any signed-in user may call (none today).
const std::set<std::string> kAnySignedIn = {};

class AuthorizationTable : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    routes_file_ = new std::string(make_temp_dir() + "/routes.txt");
    ServerOptions o;
    o.extra_args = {"--routes-file", *routes_file_};
    server_ = new ServerProcess(o);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete routes_file_;
  }
  static HttpResponse call(const Route& r, const std::string& user, const std::string& password) {
    HttpClient c("127.0.0.1", server_->management_port());
    HttpRequest req;
    req.method = r.method;
    req.target = concrete(r.pattern);
    if (!user.empty()) req.headers.emplace_back("Authorization", basic_auth(user, password));
    if (r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      req.headers.emplace_back("Content-Type", "application/json");
      req.body = "{}";
    }
    return c.send(req);
  }
  static inline ServerProcess* server_ = nullptr;
  static inline std::string* routes_file_ = nullptr;
};

TEST_F(AuthorizationTable, AnonymousCallersGet401OnEveryRouteButThePublicOnes) {
  const auto routes = registered_routes(*routes_file_);
  ASSERT_GT(routes.size(), 100u);
  for (const auto& r : routes) {
    const std::string key = r.method + " " + r.pattern;
    const auto res = call(r, "", "");
    if (kPublic.count(key)) {
      EXPECT_NE(res.status, 401) << key << " is listed public but asks for credentials";
      EXPECT_LT(res.status, 500) << key << ": " << res.body;
    } else {
      EXPECT_EQ(res.status, 401) << key << " answers anonymous callers " << res.status << ": " << res.body;
    }
  }
}

TEST_F(AuthorizationTable, ASubscriberGets403OnEveryPublisherAdminAndCatalogRoute) {
  HttpClient m("127.0.0.1", server_->management_port());
  ASSERT_EQ(m.call("POST", "/api/am/devportal/v3/me/sign-up", R"({"username":"table-sub","password":"password-123"})",
                   "", "")
                .status,
            201);
  for (const auto& r : registered_routes(*routes_file_)) {
    if (r.pattern.starts_with("/api/am/devportal/")) continue;
    const std::string key = r.method + " " + r.pattern;
    const auto res = call(r, "table-sub", "password-123");
    if (kAnySignedIn.count(key)) {
      EXPECT_NE(res.status, 403) << key << " is listed open to signed-in users but refuses one";
      EXPECT_LT(res.status, 500) << key << ": " << res.body;
    } else {
      EXPECT_EQ(res.status, 403) << key << " answers a subscriber " << res.status << ": " << res.body;
    }
  }
}

}  // namespace
}  // namespace archway::testing
