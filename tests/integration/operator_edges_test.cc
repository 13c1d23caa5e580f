// Operator-facing edges of the request path: the client address behind trusted proxies
// (gateway.trusted_proxies), API keys in the `apikey` query parameter, management path
// parameters decoded exactly once, and the API product named on analytics events.
#include <algorithm>
#include <thread>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

const std::string kEvents = "/api/am/admin/v4/analytics/events";
const std::string kDeny = "/api/am/admin/v4/throttling/deny-policies";

class EdgeSuite : public ServerSuite {
 protected:
  // The client IPs the analytics events of `api` name once `n` of them are stored (newest first).
  std::vector<std::string> client_ips(const std::string& api, std::size_t n) {
    std::vector<std::string> out;
    for (int i = 0; i < 200; ++i) {
      auto r = admin("GET", kEvents + "?apiId=" + api + "&limit=100");
      EXPECT_EQ(r.status, 200) << r.body;
      out.clear();
      const json::object body = json_of(r);
      for (const auto& e : body.at("list").as_array()) out.push_back(str(e.at("clientIp")));
      if (out.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return out;
  }

  // An IP deny policy for `ip`; waits until the gateway refuses a call naming it.
  void deny_ip(const std::string& ip) {
    auto r = admin("POST", kDeny, R"({"conditionType":"IP","conditionValue":{"fixedIp":")" + ip +
                                      R"(","invert":false},"conditionStatus":true})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
};

// gateway.trusted_proxies names loopback: this test talks to the gateway as a proxy would.
class TrustedProxies : public EdgeSuite {
 protected:
  static void SetUpTestSuite() {
    ServerOptions o;
    o.extra_args = {"--set", "gateway.trusted_proxies=10.9.0.0/16, 127.0.0.1"};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }
};

TEST_F(TrustedProxies, ClientIsTheRightmostUntrustedHopOfXForwardedForOrForwarded) {
  const std::string api = deployed_api(api_body("ProxiedPets", "/proxied"), "/proxied/1.0.0/x");
  // A spoofed first hop, the client, then a trusted proxy: the client is the rightmost untrusted.
  auto r = gw().get("/proxied/1.0.0/x", {{"X-Forwarded-For", "6.6.6.6, 198.51.100.7, 10.9.1.2"}});
  ASSERT_EQ(r.status, 200);
  // The backend sees the chain with the direct peer (this proxy) appended.
  EXPECT_EQ(str(json_of(r).at("headers").at("x-forwarded-for")), "6.6.6.6, 198.51.100.7, 10.9.1.2, 127.0.0.1");
  ASSERT_EQ(gw().get("/proxied/1.0.0/x", {{"Forwarded", R"(for="[2001:db8::7]:4711";proto=https, for=10.9.0.3)"}})
                .status,
            200);
  ASSERT_EQ(gw().get("/proxied/1.0.0/x", {{"X-Forwarded-For", "not-an-address"}}).status, 200);
  auto ips = client_ips(api, 4);
  ASSERT_EQ(ips.size(), 4u);
  // Compared as a set: calls a millisecond apart on two workers may be listed either way (events
  // carry millisecond times). Each address can come from one call only: the probe of deployed_api
  // (no header) and the call naming nothing usable both keep the peer.
  std::sort(ips.begin(), ips.end());
  EXPECT_EQ(ips, (std::vector<std::string>{"127.0.0.1", "127.0.0.1", "198.51.100.7", "2001:db8::7"}));
}

TEST_F(TrustedProxies, IpDenyPolicyAppliesToTheForwardedClient) {
  deployed_api(api_body("ProxiedDeny", "/proxdeny"), "/proxdeny/1.0.0/x");
  deny_ip("198.51.100.66");
  int status = 0;
  for (int i = 0; i < 200 && status != 403; ++i) {
    status = gw().get("/proxdeny/1.0.0/x", {{"X-Forwarded-For", "198.51.100.66"}}).status;
    if (status != 403) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 403);
  EXPECT_EQ(gw().get("/proxdeny/1.0.0/x", {{"X-Forwarded-For", "198.51.100.67"}}).status, 200);
  EXPECT_EQ(gw().get("/proxdeny/1.0.0/x").status, 200);
}

TEST(TrustedProxiesConfig, MalformedEntryStopsTheStartNamingIt) {
  std::string out;
  const std::string dir = make_temp_dir();
  const int rc = run_archway({"serve", "--data-dir", dir + "/data", "--set", "management.http_port=0", "--set",
                              "management.https_port=-1", "--set", "gateway.http_port=0", "--set",
                              "gateway.https_port=-1", "--set", "gateway.trusted_proxies=127.0.0.1, 10.0.0.0/33"},
                             {{"ARCHWAY_ADMIN_PASSWORD", "pw"}}, out);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("gateway.trusted_proxies"), std::string::npos) << out;
  EXPECT_NE(out.find("10.0.0.0/33"), std::string::npos) << out;
}

// No trusted proxies (the default): forwarding headers name nobody.
class UntrustedPeers : public EdgeSuite {};

TEST_F(UntrustedPeers, ForwardingHeadersFromAnUntrustedPeerAreIgnored) {
  const std::string api = deployed_api(api_body("DirectPets", "/direct"), "/direct/1.0.0/x");
  ASSERT_EQ(gw().get("/direct/1.0.0/x", {{"X-Forwarded-For", "198.51.100.7"}}).status, 200);
  ASSERT_EQ(gw().get("/direct/1.0.0/x", {{"Forwarded", "for=198.51.100.8"}}).status, 200);
  const auto ips = client_ips(api, 3);
  ASSERT_EQ(ips.size(), 3u);
  for (const auto& ip : ips) EXPECT_EQ(ip, "127.0.0.1");

  deny_ip("198.51.100.66");
  deployed_api(api_body("DirectDeny", "/directdeny"), "/directdeny/1.0.0/x");
  // The deny policy reached the gateway (the deployment after it did) yet the header is ignored.
  EXPECT_EQ(gw().get("/directdeny/1.0.0/x", {{"X-Forwarded-For", "198.51.100.66"}}).status, 200);
}

TEST_F(UntrustedPeers, ApiKeyInTheApikeyQueryParameterIsAcceptedAndNotForwarded) {
  const std::string id = create_api(api_body("QueryKeyed", "/qkeyed", R"([{"target":"/*","verb":"GET"}])", "",
                                             R"("policies":["Unlimited"],"securityScheme":["oauth2","api_key"],)"));
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  deploy(id, create_revision(id));
  const std::string oauth_only = secured_api("QueryNoKeys", "/qnokeys");
  Client c = application("QueryKeyApp");
  subscribe(c.app_id, id);
  subscribe(c.app_id, oauth_only);
  auto k = admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/generate",
                 R"({"validityPeriod":3600})");
  ASSERT_EQ(k.status, 200) << k.body;
  const std::string key = str(json_of(k).at("apikey"));
  int status = 0;
  HttpResponse r;
  for (int i = 0; i < 200 && status != 200; ++i) {
    r = gw().get("/qkeyed/1.0.0/items?colour=red&apikey=" + key + "&size=2");
    status = r.status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(status, 200) << r.body;
  // The backend gets the other parameters in their order, and never the key.
  EXPECT_EQ(str(json_of(r).at("target")), "/backend/items?colour=red&size=2");
  auto only = gw().get("/qkeyed/1.0.0/items?apikey=" + key);
  ASSERT_EQ(only.status, 200);
  EXPECT_EQ(str(json_of(only).at("target")), "/backend/items");
  // A wrong key in the query is refused as a wrong key in the header is.
  auto wrong = gw().get("/qkeyed/1.0.0/items?apikey=not-a-key");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(json_of(wrong).at("code").as_int64(), 900901);
  // An API without the api_key scheme takes no key from the query either.
  EXPECT_EQ(wait_for_call("/qnokeys/1.0.0/x", c.token, 200), 200);
  auto ignored = gw().get("/qnokeys/1.0.0/x?apikey=" + key);
  EXPECT_EQ(ignored.status, 401);
  EXPECT_EQ(json_of(ignored).at("code").as_int64(), 900902);
}

TEST_F(UntrustedPeers, ManagementPathParametersAreDecodedExactlyOnce) {
  // An alert rule id never has '%'; what matters is the id the handler is given, which its 404
  // names: '%2525' is '%25', '%2F' stays inside the one segment, '+' is a plus.
  auto r = admin("GET", "/api/am/admin/v4/analytics/alert-rules/a%2525b%2Fc+d");
  ASSERT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("'a%25b/c+d'"), std::string::npos) << r.body;
  auto api = admin("GET", kApis + "/x%2525y");
  ASSERT_EQ(api.status, 404) << api.body;
  EXPECT_NE(api.body.find("x%25y"), std::string::npos) << api.body;
  EXPECT_EQ(api.body.find("'x%y'"), std::string::npos) << api.body;
}

TEST_F(UntrustedPeers, EventOfACallThroughAnApiProductNamesTheProductAndTheApi) {
  const std::string api = create_api(api_body("ProdInner", "/prodinner", R"([{"target":"/items","verb":"GET"}])"));
  auto created = admin("POST", "/api/am/publisher/v4/api-products",
                       R"({"name":"ProdOuter","context":"/prodouter","policies":["Unlimited"],"apis":[{"apiId":")" +
                           api + R"(","operations":[{"target":"/items","verb":"GET"}]}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string product = str(json_of(created).at("id"));
  const std::string products = "/api/am/publisher/v4/api-products";
  ASSERT_EQ(admin("POST", products + "/change-lifecycle?apiProductId=" + product + "&action=Publish").status, 200);
  auto rev = admin("POST", products + "/" + product + "/revisions", R"({"description":"first"})");
  ASSERT_EQ(rev.status, 201) << rev.body;
  ASSERT_EQ(admin("POST", products + "/" + product + "/deploy-revision?revisionId=" + str(json_of(rev).at("id")),
                  R"([{"name":"Default","vhost":"localhost","displayOnDevportal":true}])")
                .status,
            201);
  Client c = application("ProdOuterApp");
  subscribe(c.app_id, product);
  ASSERT_EQ(wait_for_call("/prodouter/1.0.0/items", c.token, 200), 200);

  json::object event;
  for (int i = 0; i < 200 && event.empty(); ++i) {
    auto r = admin("GET", kEvents + "?apiId=" + api);
    ASSERT_EQ(r.status, 200) << r.body;
    const json::object body = json_of(r);
    for (const auto& e : body.at("list").as_array())
      if (e.at("status").as_int64() == 200) event = e.as_object();
    if (event.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(event.empty()) << "no event for the API reached through the product";
  EXPECT_EQ(str(event.at("apiName")), "ProdInner");
  EXPECT_EQ(str(event.at("apiProductId")), product);
  EXPECT_EQ(str(event.at("apiProductName")), "ProdOuter");
  EXPECT_EQ(str(event.at("apiContext")), "/prodouter");
  // A call made to an API directly names no product.
  const std::string direct = deployed_api(api_body("ProdDirect", "/proddirect"), "/proddirect/1.0.0/x");
  json::array list;
  for (int i = 0; i < 200 && list.empty(); ++i) {
    list = json_of(admin("GET", kEvents + "?apiId=" + direct)).at("list").as_array();
    if (list.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(list.empty());
  EXPECT_TRUE(list[0].at("apiProductId").is_null());
}

}  // namespace
}  // namespace archway::testing
