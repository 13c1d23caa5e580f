// Response caching through the real gateway: hits that never reach the backend, keys on query and
// chosen headers, expiry, Cache-Control from either side, only GET/HEAD 200s, the operation-level
// override, invalidation on redeployment and definitions the Publisher refuses.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

class GatewayCache : public ServerSuite {
 protected:
  std::string cached_api(const std::string& name, const std::string& context, const std::string& extra,
                         const std::string& ops = R"([{"target":"/*","verb":"GET","authType":"None"},
                                                     {"target":"/*","verb":"POST","authType":"None"},
                                                     {"target":"/*","verb":"HEAD","authType":"None"}])") {
    return deployed_api(api_body(name, context, ops, backend_->url(""), extra), context + "/1.0.0/probe");
  }
};

TEST_F(GatewayCache, ASecondGetIsServedFromTheCacheWithoutTheBackend) {
  cached_api("Cached", "/cached", R"("responseCachingEnabled":true,"cacheTimeout":300,)");
  auto first = gw().get("/cached/1.0.0/items?page=1");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.header("x-cache"), "MISS");
  const int served = backend_->requests_served();
  auto second = gw().get("/cached/1.0.0/items?page=1");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.header("x-cache"), "HIT");
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.header("content-type"), "application/json");
  EXPECT_EQ(backend_->requests_served(), served);
  // Another query string is another entry.
  EXPECT_EQ(gw().get("/cached/1.0.0/items?page=2").header("x-cache"), "MISS");
  // HEAD has its own entries and answers without a body.
  HttpRequest head;
  head.method = "HEAD";
  head.target = "/cached/1.0.0/items?page=1";
  auto head_miss = gw().send(head);
  EXPECT_EQ(head_miss.header("x-cache"), "MISS");
  auto head_hit = gw().send(head);
  EXPECT_EQ(head_hit.header("x-cache"), "HIT");
  EXPECT_EQ(head_hit.body, "");
  EXPECT_FALSE(head_hit.header("content-length").empty());
  EXPECT_EQ(head_hit.header("content-length"), head_miss.header("content-length"));  // what GET would send
}

TEST_F(GatewayCache, ChosenHeadersArePartOfTheKey) {
  cached_api("CachedHdr", "/cachedhdr", R"("responseCachingEnabled":true,"cacheKeyHeaders":["X-Tenant"],)");
  EXPECT_EQ(gw().get("/cachedhdr/1.0.0/a", {{"X-Tenant", "one"}}).header("x-cache"), "MISS");
  auto other = gw().get("/cachedhdr/1.0.0/a", {{"X-Tenant", "two"}});
  EXPECT_EQ(other.header("x-cache"), "MISS");
  EXPECT_EQ(str(json_of(other)["headers"].at("x-tenant")), "two");
  auto again = gw().get("/cachedhdr/1.0.0/a", {{"X-Tenant", "one"}});
  EXPECT_EQ(again.header("x-cache"), "HIT");
  EXPECT_EQ(str(json_of(again)["headers"].at("x-tenant")), "one");
}

TEST_F(GatewayCache, EntriesExpireAfterTheCacheTimeout) {
  cached_api("CachedTtl", "/cachedttl", R"("responseCachingEnabled":true,"cacheTimeout":1,)");
  EXPECT_EQ(gw().get("/cachedttl/1.0.0/a").header("x-cache"), "MISS");
  EXPECT_EQ(gw().get("/cachedttl/1.0.0/a").header("x-cache"), "HIT");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const int served = backend_->requests_served();
  EXPECT_EQ(gw().get("/cachedttl/1.0.0/a").header("x-cache"), "MISS");
  EXPECT_EQ(backend_->requests_served(), served + 1);
}

TEST_F(GatewayCache, RequestCacheControlNoCacheRefreshesAndNoStoreBypasses) {
  cached_api("CachedCc", "/cachedcc", R"("responseCachingEnabled":true,)");
  EXPECT_EQ(gw().get("/cachedcc/1.0.0/a").header("x-cache"), "MISS");
  const int served = backend_->requests_served();
  EXPECT_EQ(gw().get("/cachedcc/1.0.0/a", {{"Cache-Control", "no-cache"}}).header("x-cache"), "MISS");
  EXPECT_EQ(backend_->requests_served(), served + 1);
  EXPECT_EQ(gw().get("/cachedcc/1.0.0/a").header("x-cache"), "HIT");
  auto bypass = gw().get("/cachedcc/1.0.0/b", {{"Cache-Control", "no-store"}});
  EXPECT_EQ(bypass.status, 200);
  EXPECT_EQ(bypass.header("x-cache"), "");
  EXPECT_EQ(gw().get("/cachedcc/1.0.0/b").header("x-cache"), "MISS");  // the no-store answer was not kept
}

TEST_F(GatewayCache, ResponsesThatForbidStorageAndNon200sAreNotCached) {
  cached_api("CachedNs", "/cachedns", R"("responseCachingEnabled":true,)",
             R"([{"target":"/private","verb":"GET","authType":"None","operationPolicies":{"response":[
                   {"policyName":"setHeader","parameters":{"headerName":"Cache-Control","headerValue":"private, max-age=60"}}]}},
                 {"target":"/*","verb":"GET","authType":"None"},
                 {"target":"/*","verb":"POST","authType":"None"}])");
  EXPECT_EQ(gw().get("/cachedns/1.0.0/private").header("x-cache"), "MISS");
  EXPECT_EQ(gw().get("/cachedns/1.0.0/private").header("x-cache"), "MISS");
  EXPECT_EQ(gw().get("/cachedns/1.0.0/status/404").status, 404);
  const int served = backend_->requests_served();
  EXPECT_EQ(gw().get("/cachedns/1.0.0/status/404").header("x-cache"), "MISS");
  EXPECT_EQ(backend_->requests_served(), served + 1);
  HttpRequest post;
  post.method = "POST";
  post.target = "/cachedns/1.0.0/a";
  post.body = "{}";
  EXPECT_EQ(gw().send(post).header("x-cache"), "");
  EXPECT_EQ(gw().send(post).header("x-cache"), "");
}

TEST_F(GatewayCache, AnOperationCanTurnCachingOnOrOffAgainstTheApi) {
  cached_api("CachedOp", "/cachedop", "",
             R"([{"target":"/fast","verb":"GET","authType":"None","responseCachingEnabled":true,"cacheTimeout":60},
                 {"target":"/*","verb":"GET","authType":"None"}])");
  EXPECT_EQ(gw().get("/cachedop/1.0.0/fast").header("x-cache"), "MISS");
  EXPECT_EQ(gw().get("/cachedop/1.0.0/fast").header("x-cache"), "HIT");
  EXPECT_EQ(gw().get("/cachedop/1.0.0/other").header("x-cache"), "");
  cached_api("CachedOff", "/cachedoff", R"("responseCachingEnabled":true,)",
             R"([{"target":"/live","verb":"GET","authType":"None","responseCachingEnabled":false},
                 {"target":"/*","verb":"GET","authType":"None"}])");
  EXPECT_EQ(gw().get("/cachedoff/1.0.0/live").header("x-cache"), "");
  EXPECT_EQ(gw().get("/cachedoff/1.0.0/x").header("x-cache"), "MISS");
  EXPECT_EQ(gw().get("/cachedoff/1.0.0/x").header("x-cache"), "HIT");
}

TEST_F(GatewayCache, RedeployingTheApiEmptiesItsCache) {
  const std::string id = cached_api("CachedRedeploy", "/cachedre", R"("responseCachingEnabled":true,)");
  EXPECT_EQ(gw().get("/cachedre/1.0.0/a").header("x-cache"), "MISS");
  EXPECT_EQ(gw().get("/cachedre/1.0.0/a").header("x-cache"), "HIT");
  deploy(id, create_revision(id));
  // The new deployment reaches the gateway asynchronously: wait until it no longer hits.
  std::string state = "HIT";
  for (int i = 0; i < 400 && state == "HIT"; ++i) {
    state = gw().get("/cachedre/1.0.0/a").header("x-cache");
    if (state == "HIT") std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(state, "MISS");
  EXPECT_EQ(gw().get("/cachedre/1.0.0/a").header("x-cache"), "HIT");
}

TEST_F(GatewayCache, BadCacheSettingsAreRefusedNamingTheField) {
  auto zero = admin("POST", kApis, api_body("BadCache", "/badcache", R"([{"target":"/*","verb":"GET"}])", "",
                                            R"("responseCachingEnabled":true,"cacheTimeout":0,)"));
  EXPECT_EQ(zero.status, 400);
  EXPECT_NE(str(json_of(zero)["description"]).find("'cacheTimeout'"), std::string::npos) << zero.body;
  auto op = admin("POST", kApis, api_body("BadCache2", "/badcache2",
                                          R"([{"target":"/*","verb":"GET","cacheTimeout":-5}])"));
  EXPECT_EQ(op.status, 400);
  EXPECT_NE(str(json_of(op)["description"]).find("'operations[0].cacheTimeout'"), std::string::npos) << op.body;
  auto hdr = admin("POST", kApis, api_body("BadCache3", "/badcache3", R"([{"target":"/*","verb":"GET"}])", "",
                                           R"("cacheKeyHeaders":["bad header"],)"));
  EXPECT_EQ(hdr.status, 400);
  EXPECT_NE(str(json_of(hdr)["description"]).find("'cacheKeyHeaders[0]'"), std::string::npos) << hdr.body;
  auto flag = admin("POST", kApis, api_body("BadCache4", "/badcache4", R"([{"target":"/*","verb":"GET"}])", "",
                                            R"("responseCachingEnabled":"yes",)"));
  EXPECT_EQ(flag.status, 400);

  const std::string id = create_api(api_body("GoodCache", "/goodcache",
                                             R"([{"target":"/*","verb":"GET","responseCachingEnabled":true}])", "",
                                             R"("responseCachingEnabled":false,"cacheTimeout":120,"cacheKeyHeaders":["X-Tenant"],)"));
  auto got = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(got["responseCachingEnabled"], false);
  EXPECT_EQ(got["cacheTimeout"], 120);
  EXPECT_EQ(str(got["cacheKeyHeaders"].as_array()[0]), "X-Tenant");
  EXPECT_EQ(got["operations"].as_array()[0].at("responseCachingEnabled"), true);
  EXPECT_TRUE(got["operations"].as_array()[0].at("cacheTimeout").is_null());
}

}  // namespace
}  // namespace archway::testing
