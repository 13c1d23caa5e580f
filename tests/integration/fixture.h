#pragma once
// Shared set-up for integration tests: one real `archway serve` per test suite, a real backend,
// and helpers for the Publisher REST calls that most tests need.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "support/backend.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace archway::testing {

// A JSON value as text, for comparisons with std::string.
inline std::string str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : boost::json::serialize(v);
}

inline constexpr const char* kAdmin = "admin";
inline constexpr const char* kPassword = "test-admin-pw";
inline const std::string kApis = "/api/am/publisher/v4/apis";
inline const std::string kDev = "/api/am/devportal/v3";

class ServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    backend_ = new Backend();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete backend_;
    server_ = nullptr;
    backend_ = nullptr;
  }

  // The listeners the helpers below talk to: server_'s, unless a suite of separate roles (a
  // control plane and remote gateways) names its own.
  HttpClient mgmt() { return HttpClient("127.0.0.1", management_port_ ? management_port_ : server_->management_port()); }
  HttpClient gw() { return HttpClient("127.0.0.1", gateway_port_ ? gateway_port_ : server_->gateway_port()); }

  HttpResponse admin(const std::string& method, const std::string& target, const std::string& body = "") {
    return mgmt().call(method, target, body, kAdmin, kPassword);
  }

  // An admin call with a multipart/form-data body (uploads).
  HttpResponse admin_form(const std::string& method, const std::string& target, const Multipart& form) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = form.body();
    r.headers = {{"Authorization", basic_auth(kAdmin, kPassword)}, {"Content-Type", form.content_type()}};
    return mgmt().send(r);
  }

  // A form POST to the management listener, with HTTP Basic and a cookie when given.
  HttpResponse form(const std::string& target, const std::string& body, const std::string& user = "",
                    const std::string& password = "", const std::string& cookie = "") {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.body = body;
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    if (!user.empty()) r.headers.emplace_back("Authorization", basic_auth(user, password));
    if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
    return mgmt().send(r);
  }
  // Percent-encodes all but unreserved characters (RFC 3986), for form fields and query values.
  static std::string enc(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(char(c));
      else out += "%" + std::string(1, "0123456789ABCDEF"[c >> 4]) + "0123456789ABCDEF"[c & 15];
    }
    return out;
  }

  // The /oauth2/authorize sign-in form as a browser uses it: GET the page with `params` (the query,
  // without '?'), then POST it with the page's cookie and csrf_token plus `fields`
  // ("username=..&password=.."). Returns the POST's answer.
  HttpResponse sign_in_through_form(const std::string& params, const std::string& fields) {
    auto page = mgmt().get("/oauth2/authorize?" + params);
    EXPECT_EQ(page.status, 200) << page.body;
    std::string cookie = page.header("set-cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    const std::string marker = "name=\"csrf_token\" value=\"";
    const std::size_t at = page.body.find(marker);
    EXPECT_NE(at, std::string::npos) << page.body;
    const std::size_t from = at == std::string::npos ? 0 : at + marker.size();
    const std::string token = page.body.substr(from, page.body.find('"', from) - from);
    HttpRequest r;
    r.method = "POST";
    r.target = "/oauth2/authorize";
    r.body = params + "&" + fields + "&csrf_token=" + token;
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie}};
    return mgmt().send(r);
  }

  // One part of an upload: a plain field when `filename` is empty, else a file.
  struct UploadPart {
    std::string name;
    std::string body;
    std::string filename;
    std::string content_type;  // fields: empty sends none
  };
  // An admin call with a multipart/form-data body made of `parts`.
  HttpResponse admin_upload(const std::string& method, const std::string& target,
                            const std::vector<UploadPart>& parts) {
    Multipart form;
    for (const auto& p : parts) {
      if (p.filename.empty()) form.field(p.name, p.body, p.content_type);
      else form.file(p.name, p.filename, p.body, p.content_type);
    }
    return admin_form(method, target, form);
  }

  // The smallest PNG header an image check accepts: the bytes of a 1x1 RGBA image's start.
  inline static const std::string kPng =
      std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 26);

  static boost::json::object json_of(const HttpResponse& r) {
    return boost::json::parse(r.body).as_object();
  }

  // A unique API body with one operation set; `ops` is a JSON array text.
  std::string api_body(const std::string& name, const std::string& context,
                       const std::string& ops = R"([{"target":"/*","verb":"GET","authType":"None"},
                                                    {"target":"/*","verb":"POST","authType":"None"}])",
                       const std::string& endpoint = "", const std::string& extra = "") {
    const std::string url = endpoint.empty() ? backend_->url("/backend") : endpoint;
    return R"({"name":")" + name + R"(","context":")" + context + R"(","version":"1.0.0",)" +
           R"("endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" + url + R"("}},)" +
           extra + R"("operations":)" + ops + "}";
  }

  std::string create_api(const std::string& body) {
    auto r = admin("POST", kApis, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(json_of(r).at("id").as_string());
  }

  std::string create_revision(const std::string& id) {
    auto r = admin("POST", kApis + "/" + id + "/revisions", R"({"description":"test"})");
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(json_of(r).at("id").as_string());
  }

  void deploy(const std::string& id, const std::string& rev) {
    auto r = admin("POST", kApis + "/" + id + "/deploy-revision?revisionId=" + rev,
                   R"([{"name":"Default","vhost":"localhost","displayOnDevportal":true}])");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // Creates, revisions and deploys an API; waits until the gateway routes it.
  std::string deployed_api(const std::string& body, const std::string& probe_path) {
    const std::string id = create_api(body);
    deploy(id, create_revision(id));
    wait_for_status(probe_path, [](int s) { return s != 404; });
    return id;
  }

  // Polls the gateway until `pred(status)` holds (at most 2 s); returns the last status.
  int wait_for_status(const std::string& path, const std::function<bool(int)>& pred) {
    int status = 0;
    for (int i = 0; i < 400; ++i) {
      status = gw().get(path).status;
      if (pred(status)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status;
  }

  // Consumers: applications with keys, subscriptions, calls with their tokens.
  struct Client {
    std::string app_id;
    std::string key_mapping_id;
    std::string consumer_key;
    std::string consumer_secret;
    std::string token;
  };

  // A published, deployed API whose operations need a token, offering the Unlimited tier.
  std::string secured_api(const std::string& name, const std::string& context, const std::string& extra = "",
                          const std::string& ops = R"([{"target":"/*","verb":"GET"},{"target":"/*","verb":"POST"}])") {
    const std::string id = create_api(
        api_body(name, context, ops, "", extra.empty() ? R"("policies":["Unlimited","Gold"],)" : extra));
    EXPECT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
    deploy(id, create_revision(id));
    wait_for_status(context + "/1.0.0/x", [](int s) { return s == 401; });
    return id;
  }

  Client application(const std::string& name, const std::string& key_type = "PRODUCTION",
                     const std::string& tier = "Unlimited") {
    Client c;
    auto r = admin("POST", kDev + "/applications", R"({"name":")" + name + R"(","throttlingPolicy":")" + tier + R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    c.app_id = str(json_of(r)["applicationId"]);
    auto k = admin("POST", kDev + "/applications/" + c.app_id + "/generate-keys",
                   R"({"keyType":")" + key_type + R"(","grantTypesToBeSupported":["client_credentials","password","refresh_token"],"validityTime":3600})");
    EXPECT_EQ(k.status, 200) << k.body;
    auto o = json_of(k);
    c.key_mapping_id = str(o["keyMappingId"]);
    c.consumer_key = str(o["consumerKey"]);
    c.consumer_secret = str(o["consumerSecret"]);
    c.token = str(o["token"].at("accessToken"));
    return c;
  }

  std::string subscribe(const std::string& app_id, const std::string& api_id, const std::string& tier = "Unlimited") {
    auto r = admin("POST", kDev + "/subscriptions",
                   R"({"applicationId":")" + app_id + R"(","apiId":")" + api_id + R"(","throttlingPolicy":")" + tier + R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["subscriptionId"]);
  }

  // A form POST to an OAuth2 endpoint (/oauth2/token, /revoke, /introspect) with the
  // application's client credentials.
  HttpResponse client_form(const std::string& target, const std::string& body, const Client& c) {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.body = body;
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Authorization", basic_auth(c.consumer_key, c.consumer_secret)}};
    return mgmt().send(r);
  }

  HttpResponse call(const std::string& path, const std::string& token) {
    return gw().get(path, {{"Authorization", "Bearer " + token}});
  }

  int wait_for_call(const std::string& path, const std::string& token, int want) {
    int status = 0;
    for (int i = 0; i < 200; ++i) {  // 1 s
      status = call(path, token).status;
      if (status == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status;
  }

  // A secured API offering `tier`, and a new application subscribed to it on that tier.
  Client subscribed_on(const std::string& tier, const std::string& name, const std::string& context) {
    const std::string api = secured_api(name, context, R"("policies":[")" + tier + R"("],)");
    Client c = application(name + "App");
    subscribe(c.app_id, api, tier);
    return c;
  }

  // A subscription tier of `per_min` requests a minute; `extra` adds fields (",\"rateLimitCount\":3").
  std::string subscription_tier(const std::string& name, long per_min, const std::string& extra = "") {
    auto r = admin("POST", "/api/am/admin/v4/throttling/policies/subscription",
                   R"({"policyName":")" + name +
                       R"(","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":)" +
                       std::to_string(per_min) + "}}" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["policyId"]);
  }

  static ServerProcess* server_;
  static Backend* backend_;
  static inline int management_port_ = 0;
  static inline int gateway_port_ = 0;
};

inline ServerProcess* ServerSuite::server_ = nullptr;
inline Backend* ServerSuite::backend_ = nullptr;

// Runs the independent OpenAPI validator (tools/openapi-check: @apidevtools/swagger-parser under
// node) on the (file name, content) pairs; fails the test (never skips) when node or the
// validator is missing or a file is invalid.
inline void expect_valid_by_independent_validator(const std::vector<std::pair<std::string, std::string>>& files) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("archway-openapi-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd = "node " + std::string(ARCHWAY_SOURCE_DIR) + "/tools/openapi-check/check.js";
  for (const auto& [name, content] : files) {
    std::ofstream(dir / name) << content;
    cmd += " " + (dir / name).string();
  }
  cmd += " 2>&1";
  std::string output;
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr) << "cannot run: " << cmd;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  const int status = ::pclose(p);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  ASSERT_NE(WEXITSTATUS(status), 127) << "node is required for this test (install nodejs, then make deps): " << output;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the independent validator refused an export:\n" << output;
  fs::remove_all(dir);
}

}  // namespace archway::testing
