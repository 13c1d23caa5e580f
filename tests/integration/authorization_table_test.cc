// Who may call which management route, over every route the server registers (its own list,
// written by --routes-file), so a route added without an authorization rule fails here:
// - anonymous callers get 401 everywhere but on the routes listed public below;
// - a subscriber (signed up through the Developer Portal) gets 403 on every Publisher, Admin and
//   Service Catalog route but those listed open to any signed-in user;
// - each route needs one management scope (`scope_of` below: the product's x-scopes); the admin,
//   creator, publisher and subscriber roles pass exactly where the default role mapping of that
//   scope (`kRolesOf`, the Admin's /system-scopes) names them, with HTTP Basic;
// - a token carrying one scope passes exactly the routes of that scope (and the public ones).
// Ids in paths are made up: the answer must come from authorization, before any lookup.
#include <fstream>
#include <map>
#include <optional>
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

// The Publisher's routes that need more than the default of their method (GET and HEAD: view;
// other methods: create).
const std::map<std::string, std::string> kPublisherScopes = {
    {"POST /api/am/publisher/v4/apis/change-lifecycle", "apim:api_publish"},
    {"DELETE /api/am/publisher/v4/apis/{apiId}/lifecycle-state/pending-tasks", "apim:api_publish"},
    {"POST /api/am/publisher/v4/apis/{apiId}/deploy-revision", "apim:api_publish"},
    {"POST /api/am/publisher/v4/apis/{apiId}/undeploy-revision", "apim:api_publish"},
    {"DELETE /api/am/publisher/v4/apis/{apiId}/cancel-revision-workflow/{revisionId}/{envName}", "apim:api_publish"},
    {"PUT /api/am/publisher/v4/apis/{apiId}/deployments/{deploymentId}", "apim:api_publish"},
    {"POST /api/am/publisher/v4/api-products/change-lifecycle", "apim:api_publish"},
    {"DELETE /api/am/publisher/v4/api-products/{apiProductId}/lifecycle-state/pending-tasks", "apim:api_publish"},
    {"POST /api/am/publisher/v4/api-products/{apiProductId}/deploy-revision", "apim:api_publish"},
    {"POST /api/am/publisher/v4/api-products/{apiProductId}/undeploy-revision", "apim:api_publish"},
    {"DELETE /api/am/publisher/v4/api-products/{apiProductId}/cancel-revision-workflow/{revisionId}/{envName}",
     "apim:api_publish"},
    {"PUT /api/am/publisher/v4/api-products/{apiProductId}/deployments/{deploymentId}", "apim:api_publish"},
    {"POST /api/am/publisher/v4/subscriptions/block-subscription", "apim:api_publish"},
    {"POST /api/am/publisher/v4/subscriptions/unblock-subscription", "apim:api_publish"},
    {"POST /api/am/publisher/v4/gateway-policies", "apim:api_publish"},
    {"PUT /api/am/publisher/v4/gateway-policies/{gatewayPolicyMappingId}", "apim:api_publish"},
    {"DELETE /api/am/publisher/v4/gateway-policies/{gatewayPolicyMappingId}", "apim:api_publish"},
    {"POST /api/am/publisher/v4/gateway-policies/{gatewayPolicyMappingId}/deploy", "apim:api_publish"},
    {"POST /api/am/publisher/v4/apis/{apiId}/comments", "apim:comment_write"},
    {"PATCH /api/am/publisher/v4/apis/{apiId}/comments/{commentId}", "apim:comment_write"},
    {"DELETE /api/am/publisher/v4/apis/{apiId}/comments/{commentId}", "apim:comment_write"},
    {"POST /api/am/publisher/v4/scopes", "apim:shared_scope_manage"},
    {"PUT /api/am/publisher/v4/scopes/{scopeId}", "apim:shared_scope_manage"},
    {"DELETE /api/am/publisher/v4/scopes/{scopeId}", "apim:shared_scope_manage"},
    // Reads that show what only an API's creator may see: its mock scripts and its keys.
    {"GET /api/am/publisher/v4/apis/{apiId}/generated-mock-scripts", "apim:api_create"},
    {"GET /api/am/publisher/v4/apis/{apiId}/environments/{envId}/keys", "apim:api_create"},
};

// The one scope a route needs: "" for the public ones; nullopt for a route of no known API (a new
// route there needs a rule here).
std::optional<std::string> scope_of(const std::string& method, const std::string& pattern) {
  const std::string key = method + " " + pattern;
  if (kPublic.count(key)) return "";
  const bool read = method == "GET" || method == "HEAD";
  if (pattern.starts_with("/api/am/admin/v4/")) return "apim:admin";
  if (pattern.starts_with("/api/am/devportal/v3/")) {
    if (pattern == "/api/am/devportal/v3/applications/export" || pattern == "/api/am/devportal/v3/applications/import")
      return "apim:app_import_export";
    return "apim:subscribe";
  }
  if (pattern.starts_with("/api/am/service-catalog/v1/"))
    return read ? "service_catalog:service_view" : "service_catalog:service_write";
  if (pattern.starts_with("/api/am/publisher/v4/")) {
    if (auto it = kPublisherScopes.find(key); it != kPublisherScopes.end()) return it->second;
    return read ? "apim:api_view" : "apim:api_create";
  }
  return std::nullopt;
}

// The roles each scope holds by default (besides admin, which holds every scope).
const std::map<std::string, std::set<std::string>> kRolesOf = {
    {"apim:api_view", {"creator", "publisher"}},
    {"apim:api_create", {"creator"}},
    {"apim:api_publish", {"publisher"}},
    {"apim:comment_write", {"creator", "publisher"}},
    {"apim:shared_scope_manage", {"creator"}},
    {"apim:subscribe", {"subscriber"}},
    {"apim:app_import_export", {}},
    {"apim:admin", {}},
    {"service_catalog:service_view", {"creator", "publisher"}},
    {"service_catalog:service_write", {"creator"}},
};

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
    return call_with(r, user.empty() ? "" : basic_auth(user, password));
  }
  static HttpResponse call_with(const Route& r, const std::string& authorization) {
    HttpClient c("127.0.0.1", server_->management_port());
    HttpRequest req;
    req.method = r.method;
    req.target = concrete(r.pattern);
    if (!authorization.empty()) req.headers.emplace_back("Authorization", authorization);
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

TEST_F(AuthorizationTable, EveryRolePassesExactlyTheRoutesItsScopesAllow) {
  HttpClient m("127.0.0.1", server_->management_port());
  for (const std::string role : {"creator", "publisher", "subscriber"}) {
    const auto made = m.call("POST", "/api/am/admin/v4/users",
                             R"({"username":"table-)" + role + R"(","password":"password-123","roles":[")" + role + R"("]})",
                             kAdmin, kPassword);
    ASSERT_EQ(made.status, 201) << made.body;
  }
  const auto routes = registered_routes(*routes_file_);
  ASSERT_GT(routes.size(), 300u);
  for (const auto& r : routes) {
    const std::string key = r.method + " " + r.pattern;
    const auto scope = scope_of(r.method, r.pattern);
    ASSERT_TRUE(scope.has_value()) << key << " belongs to no API this table knows: give it a rule";
    if (scope->empty()) continue;  // public: the anonymous test covers it
    ASSERT_TRUE(kRolesOf.count(*scope)) << key << ": unknown scope " << *scope;
    const auto by_admin = call(r, kAdmin, kPassword);
    EXPECT_NE(by_admin.status, 401) << key;
    EXPECT_NE(by_admin.status, 403) << key << " refuses the admin: " << by_admin.body;
    EXPECT_LT(by_admin.status, 500) << key << ": " << by_admin.body;
    for (const std::string role : {"creator", "publisher", "subscriber"}) {
      const auto res = call(r, "table-" + role, "password-123");
      if (kRolesOf.at(*scope).count(role)) {
        EXPECT_NE(res.status, 403) << key << " (" << *scope << ") refuses a " << role << ": " << res.body;
        EXPECT_NE(res.status, 401) << key << " refuses a " << role << "'s credentials";
      } else {
        EXPECT_EQ(res.status, 403) << key << " (" << *scope << ") answers a " << role << " " << res.status << ": "
                                   << res.body;
      }
    }
  }
}

TEST_F(AuthorizationTable, ATokenWithOneScopePassesExactlyTheRoutesOfThatScope) {
  HttpClient m("127.0.0.1", server_->management_port());
  const auto app = m.call("POST", "/api/am/devportal/v3/applications", R"({"name":"TableScopes"})", kAdmin, kPassword);
  ASSERT_EQ(app.status, 201) << app.body;
  const auto keys = m.call("POST",
                           "/api/am/devportal/v3/applications/" + str(boost::json::parse(app.body).at("applicationId")) + "/generate-keys",
                           R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["password"]})", kAdmin, kPassword);
  ASSERT_EQ(keys.status, 200) << keys.body;
  const boost::json::value k = boost::json::parse(keys.body);
  const std::string client = basic_auth(str(k.at("consumerKey")), str(k.at("consumerSecret")));
  const auto routes = registered_routes(*routes_file_);
  for (const auto& [scope, roles] : kRolesOf) {
    HttpRequest t;
    t.method = "POST";
    t.target = "/oauth2/token";
    t.body = std::string("grant_type=password&username=") + kAdmin + "&password=" + kPassword + "&scope=" + scope;
    t.headers = {{"Authorization", client}, {"Content-Type", "application/x-www-form-urlencoded"}};
    const auto issued = m.send(t);
    ASSERT_EQ(issued.status, 200) << issued.body;
    const boost::json::value token = boost::json::parse(issued.body);
    ASSERT_EQ(str(token.at("scope")), scope);
    const std::string bearer = "Bearer " + str(token.at("access_token"));
    for (const auto& r : routes) {
      const std::string key = r.method + " " + r.pattern;
      const auto needed = scope_of(r.method, r.pattern);
      ASSERT_TRUE(needed.has_value()) << key;
      if (needed->empty()) continue;
      const auto res = call_with(r, bearer);
      if (*needed == scope) {
        EXPECT_NE(res.status, 403) << key << " refuses a token with its scope " << scope << ": " << res.body;
        EXPECT_NE(res.status, 401) << key;
      } else {
        EXPECT_EQ(res.status, 403) << key << " (" << *needed << ") answers a token with only " << scope << " "
                                   << res.status << ": " << res.body;
      }
    }
  }
}

}  // namespace
}  // namespace archway::testing
