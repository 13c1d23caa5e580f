// API products through the real binary: a product bundles operations of two APIs with different
// backends under its own context, tiers and lifecycle; one subscription and one token call both,
// each operation reaching its own API's backend with that API's policies; the product's tier
// counts calls to all its operations; DevPortal shows it only once published; bad inputs are
// refused naming the field.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kProducts = "/api/am/publisher/v4/api-products";

class ApiProducts : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    ServerSuite::SetUpTestSuite();
    second_ = new Backend();
  }
  static void TearDownTestSuite() {
    delete second_;
    second_ = nullptr;
    ServerSuite::TearDownTestSuite();
  }

  // Two APIs on different backends: Orders (GET/POST /orders, GET /orders/{id}; its GET /orders
  // adds a header by policy) on the suite's backend under /a, Stock (GET /stock) on a second
  // backend under /b. Names and contexts get `tag` appended.
  struct Pair {
    std::string orders;
    std::string stock;
  };
  Pair two_apis(const std::string& tag) {
    Pair p;
    p.orders = create_api(api_body("Orders" + tag, "/orders" + tag, R"([
        {"target":"/orders","verb":"GET","operationPolicies":{"request":[
          {"policyName":"addHeader","parameters":{"headerName":"X-From-Orders","headerValue":"yes"}}]}},
        {"target":"/orders","verb":"POST"},
        {"target":"/orders/{id}","verb":"GET"}])",
                                   backend_->url("/a")));
    p.stock = create_api(api_body("Stock" + tag, "/stock" + tag, R"([{"target":"/stock","verb":"GET"}])",
                                  second_->url("/b")));
    return p;
  }

  std::string product_body(const std::string& name, const std::string& context, const Pair& p,
                           const std::string& tiers = R"(["Unlimited"])", const std::string& extra = "") {
    return "{" + extra + R"("name":")" + name + R"(","context":")" + context + R"(","policies":)" + tiers +
           R"(,"apis":[{"apiId":")" + p.orders +
           R"(","operations":[{"target":"/orders","verb":"GET"},{"target":"/orders/{id}","verb":"get"}]},)" +
           R"({"apiId":")" + p.stock + R"(","operations":[{"target":"/stock","verb":"GET"}]}]})";
  }

  std::string create_product(const std::string& body) {
    auto r = admin("POST", kProducts, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(json_of(r).at("id")) : "";
  }

  int lifecycle(const std::string& id, const std::string& action) {
    return admin("POST", kProducts + "/change-lifecycle?apiProductId=" + id + "&action=" + action).status;
  }

  // Publishes, revisions and deploys a product; waits until the gateway asks for credentials.
  void publish_and_deploy(const std::string& id, const std::string& probe) {
    ASSERT_EQ(lifecycle(id, "Publish"), 200);
    auto rev = admin("POST", kProducts + "/" + id + "/revisions", R"({"description":"first"})");
    ASSERT_EQ(rev.status, 201) << rev.body;
    auto dep = admin("POST", kProducts + "/" + id + "/deploy-revision?revisionId=" + str(json_of(rev).at("id")),
                     R"([{"name":"Default","vhost":"localhost","displayOnDevportal":true}])");
    ASSERT_EQ(dep.status, 201) << dep.body;
    ASSERT_EQ(wait_for_status(probe, [](int s) { return s == 401; }), 401);
  }

  static std::string description(const HttpResponse& r) { return str(json_of(r).at("description")); }

  static Backend* second_;
};

Backend* ApiProducts::second_ = nullptr;

TEST_F(ApiProducts, OneSubscriptionCallsOperationsOfTwoApisEachOnItsOwnBackend) {
  const Pair p = two_apis("1");
  auto created = admin("POST", kProducts, product_body("Shop", "/shop", p));
  ASSERT_EQ(created.status, 201) << created.body;
  auto product = json_of(created);
  const std::string id = str(product.at("id"));
  EXPECT_EQ(str(product.at("apiType")), "APIPRODUCT");
  EXPECT_EQ(str(product.at("state")), "CREATED");
  EXPECT_EQ(str(product.at("version")), "1.0.0");
  EXPECT_EQ(created.header("location"), kProducts + "/" + id);
  const auto& apis = product.at("apis").as_array();
  ASSERT_EQ(apis.size(), 2u);
  EXPECT_EQ(str(apis[0].at("name")), "Orders1");
  EXPECT_EQ(str(apis[0].at("apiId")), p.orders);
  EXPECT_EQ(str(apis[0].at("operations").at(1).at("verb")), "GET");
  EXPECT_EQ(str(apis[1].at("operations").at(0).at("target")), "/stock");

  publish_and_deploy(id, "/shop/1.0.0/stock");
  const Client c = application("ShopApp");
  // A new application reaches the gateway through the change feed: wait until its token is known.
  ASSERT_EQ(wait_for_call("/shop/1.0.0/orders", c.token, 403), 403);
  auto unsubscribed = call("/shop/1.0.0/orders", c.token);
  EXPECT_EQ(unsubscribed.status, 403);
  EXPECT_EQ(json_of(unsubscribed)["code"], 900908);

  subscribe(c.app_id, id);
  ASSERT_EQ(wait_for_call("/shop/1.0.0/orders", c.token, 200), 200);
  auto orders = call("/shop/1.0.0/orders", c.token);
  ASSERT_EQ(orders.status, 200) << orders.body;
  EXPECT_EQ(str(json_of(orders)["target"]), "/a/orders");
  EXPECT_EQ(str(json_of(orders)["headers"].at("x-from-orders")), "yes");  // the Orders API's policy
  EXPECT_FALSE(json_of(orders)["headers"].as_object().contains("authorization"));

  const int served = second_->requests_served();
  auto stock = call("/shop/1.0.0/stock", c.token);
  ASSERT_EQ(stock.status, 200) << stock.body;
  EXPECT_EQ(str(json_of(stock)["target"]), "/b/stock");
  EXPECT_EQ(second_->requests_served(), served + 1);
  EXPECT_FALSE(json_of(stock)["headers"].as_object().contains("x-from-orders"));

  auto one = call("/shop/1.0.0/orders/7", c.token);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(str(json_of(one)["target"]), "/a/orders/7");

  // An operation of the API the product does not bundle is not served under the product.
  HttpRequest post;
  post.method = "POST";
  post.target = "/shop/1.0.0/orders";
  post.headers = {{"Authorization", "Bearer " + c.token}, {"Content-Type", "application/json"}};
  post.body = "{}";
  EXPECT_EQ(gw().send(post).status, 405);
  // The subscription is to the product, not to its APIs.
  auto subs = admin("GET", "/api/am/publisher/v4/subscriptions?apiId=" + id);
  ASSERT_EQ(subs.status, 200) << subs.body;
  EXPECT_EQ(json_of(subs)["count"], 1);
  EXPECT_EQ(json_of(admin("GET", "/api/am/publisher/v4/subscriptions?apiId=" + p.orders))["count"], 0);
}

TEST_F(ApiProducts, TheProductsSubscriptionTierCountsCallsToAllItsOperations) {
  subscription_tier("Product3PerMin", 3);
  const Pair p = two_apis("2");
  const std::string id = create_product(product_body("Metered", "/metered", p, R"(["Product3PerMin"])"));
  publish_and_deploy(id, "/metered/1.0.0/stock");
  const Client c = application("MeteredApp");
  subscribe(c.app_id, id, "Product3PerMin");
  ASSERT_EQ(wait_for_call("/metered/1.0.0/orders", c.token, 200), 200);
  EXPECT_EQ(call("/metered/1.0.0/stock", c.token).status, 200);
  EXPECT_EQ(call("/metered/1.0.0/orders/1", c.token).status, 200);
  auto throttled = call("/metered/1.0.0/stock", c.token);
  EXPECT_EQ(throttled.status, 429) << throttled.body;
}

TEST_F(ApiProducts, TheProductsAuthorizationHeaderCarriesTheTokenAndStaysAtTheGateway) {
  const Pair p = two_apis("6");
  auto bad_header = admin("POST", kProducts, product_body("Hdr", "/hdr", p, R"(["Unlimited"])",
                                                          R"("authorizationHeader":"X Bad",)"));
  EXPECT_EQ(bad_header.status, 400);
  EXPECT_NE(description(bad_header).find("'authorizationHeader'"), std::string::npos) << bad_header.body;
  const std::string id =
      create_product(product_body("Hdr", "/hdr", p, R"(["Unlimited"])", R"("authorizationHeader":"X-Shop-Auth",)"));
  EXPECT_EQ(str(json_of(admin("GET", kProducts + "/" + id)).at("authorizationHeader")), "X-Shop-Auth");
  publish_and_deploy(id, "/hdr/1.0.0/stock");
  const Client c = application("HdrApp");
  subscribe(c.app_id, id);
  HttpResponse r;
  for (int i = 0; i < 200 && r.status != 200; ++i) {
    r = gw().get("/hdr/1.0.0/stock", {{"X-Shop-Auth", "Bearer " + c.token}});
    if (r.status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(json_of(r)["headers"].as_object().contains("x-shop-auth"));
  EXPECT_EQ(call("/hdr/1.0.0/stock", c.token).status, 401);  // Authorization is not where it looks
}

TEST_F(ApiProducts, LifecycleDecidesDevPortalVisibilityAndBlockedAnswers503) {
  const Pair p = two_apis("3");
  const std::string id = create_product(product_body("Cycle", "/cycle", p));
  auto listed = [&](const std::string& want_id) {
    auto r = admin("GET", kDev + "/apis?query=name:cycle");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = json_of(r);
    for (const auto& a : body.at("list").as_array())
      if (str(a.at("id")) == want_id) return str(a.at("type"));
    return std::string();
  };
  EXPECT_EQ(listed(id), "");
  EXPECT_EQ(admin("GET", kDev + "/apis/" + id).status, 404);
  const Client c = application("CycleApp");
  auto early = admin("POST", kDev + "/subscriptions",
                     R"({"applicationId":")" + c.app_id + R"(","apiId":")" + id + R"(","throttlingPolicy":"Unlimited"})");
  EXPECT_EQ(early.status, 404) << early.body;

  publish_and_deploy(id, "/cycle/1.0.0/stock");
  EXPECT_EQ(listed(id), "APIPRODUCT");
  auto detail = admin("GET", kDev + "/apis/" + id);
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(json_of(detail).at("operations").as_array().size(), 3u);
  EXPECT_EQ(str(json_of(detail).at("apis").at(1).at("name")), "Stock3");
  subscribe(c.app_id, id);
  ASSERT_EQ(wait_for_call("/cycle/1.0.0/stock", c.token, 200), 200);

  auto state = admin("GET", kProducts + "/" + id + "/lifecycle-state");
  ASSERT_EQ(state.status, 200);
  EXPECT_EQ(str(json_of(state).at("state")), "PUBLISHED");
  ASSERT_EQ(lifecycle(id, "Block"), 200);
  ASSERT_EQ(wait_for_call("/cycle/1.0.0/stock", c.token, 503), 503);
  EXPECT_EQ(json_of(call("/cycle/1.0.0/orders", c.token))["code"], 700700);
  EXPECT_EQ(listed(id), "");
  EXPECT_EQ(lifecycle(id, "Publish"), 400);  // not a transition out of BLOCKED
  ASSERT_EQ(lifecycle(id, "Re-Publish"), 200);
  EXPECT_EQ(wait_for_call("/cycle/1.0.0/stock", c.token, 200), 200);
  auto history = admin("GET", kProducts + "/" + id + "/lifecycle-history");
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(json_of(history)["count"], 4);  // created, published, blocked, re-published
}

TEST_F(ApiProducts, BadDefinitionsAreRefusedNamingTheField) {
  const Pair p = two_apis("4");
  auto unknown_api = admin("POST", kProducts, R"({"name":"Bad1","context":"/bad1","apis":[{"apiId":"nope",
      "operations":[{"target":"/orders","verb":"GET"}]}]})");
  EXPECT_EQ(unknown_api.status, 400);
  EXPECT_NE(description(unknown_api).find("'apis[0].apiId'"), std::string::npos) << unknown_api.body;
  EXPECT_NE(description(unknown_api).find("nope"), std::string::npos);

  auto unknown_op = admin("POST", kProducts, R"({"name":"Bad2","context":"/bad2","apis":[{"apiId":")" + p.stock +
                                                 R"(","operations":[{"target":"/stock","verb":"GET"},{"target":"/stock","verb":"DELETE"}]}]})");
  EXPECT_EQ(unknown_op.status, 400);
  EXPECT_NE(description(unknown_op).find("'apis[0].operations[1]'"), std::string::npos) << unknown_op.body;
  EXPECT_NE(description(unknown_op).find("DELETE /stock"), std::string::npos);

  auto empty = admin("POST", kProducts, R"({"name":"Bad3","context":"/bad3","apis":[]})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(description(empty).find("'apis'"), std::string::npos) << empty.body;
  auto no_ops = admin("POST", kProducts, R"({"name":"Bad4","context":"/bad4","apis":[{"apiId":")" + p.stock +
                                             R"(","operations":[]}]})");
  EXPECT_EQ(no_ops.status, 400) << no_ops.body;
  auto no_name = admin("POST", kProducts, product_body("", "/bad5", p));
  EXPECT_EQ(no_name.status, 400);
  EXPECT_NE(description(no_name).find("'name'"), std::string::npos);
  auto not_json = admin("POST", kProducts, "{");
  EXPECT_EQ(not_json.status, 400);

  // Contexts: a product may not take an API's context, nor an API a product's.
  auto clash = admin("POST", kProducts, product_body("Clash", "/stock4", p));
  EXPECT_EQ(clash.status, 409) << clash.body;
  EXPECT_NE(description(clash).find("Stock4"), std::string::npos);
  const std::string id = create_product(product_body("Owner", "/owner4", p));
  auto api_clash = admin("POST", kApis, api_body("Squatter", "/owner4"));
  EXPECT_EQ(api_clash.status, 409) << api_clash.body;

  // An API a product uses cannot be deleted; once the product is gone it can.
  auto in_use = admin("DELETE", kApis + "/" + p.stock);
  EXPECT_EQ(in_use.status, 409);
  EXPECT_NE(description(in_use).find("Owner"), std::string::npos) << in_use.body;
  EXPECT_EQ(admin("GET", kApis + "/" + p.stock).status, 200);

  // Products and APIs are separate collections.
  EXPECT_EQ(admin("GET", kApis + "/" + id).status, 404);
  EXPECT_EQ(admin("GET", kProducts + "/" + p.stock).status, 404);
  EXPECT_EQ(admin("GET", kProducts + "/nope").status, 404);
  EXPECT_EQ(admin("POST", kApis, R"({"name":"Sneaky","context":"/sneaky","version":"1.0.0","type":"APIPRODUCT"})").status,
            400);

  EXPECT_EQ(admin("DELETE", kProducts + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", kProducts + "/" + id).status, 404);
  EXPECT_EQ(admin("DELETE", kApis + "/" + p.stock).status, 200);
}

TEST_F(ApiProducts, ListsUpdatesAndRevisionsOfProducts) {
  const Pair p = two_apis("5");
  const std::string id = create_product(product_body("Catalog", "/catalog", p));
  auto list = admin("GET", kProducts + "?query=name:catalog");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(json_of(list)["count"], 1);
  EXPECT_EQ(str(json_of(list)["list"].at(0).at("id")), id);
  // Products are not APIs: /apis does not list them; /search finds both kinds.
  EXPECT_EQ(json_of(admin("GET", kApis + "?query=name:catalog"))["count"], 0);
  auto search = admin("GET", "/api/am/publisher/v4/search?query=name:catalog");
  ASSERT_EQ(search.status, 200);
  EXPECT_EQ(str(json_of(search)["list"].at(0).at("type")), "APIPRODUCT");

  // An update replaces the bundled operations; unknown ones are refused as on create.
  auto updated = admin("PUT", kProducts + "/" + id,
                       R"({"name":"Catalog","context":"/catalog","description":"stock only","policies":["Unlimited"],
                           "apis":[{"apiId":")" + p.stock + R"(","operations":[{"target":"/stock","verb":"GET"}]}]})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json_of(updated)["apis"].as_array().size(), 1u);
  EXPECT_EQ(str(json_of(updated)["description"]), "stock only");
  // Orders is no longer used by the product: it can go.
  EXPECT_EQ(admin("DELETE", kApis + "/" + p.orders).status, 200);
  auto renamed = admin("PUT", kProducts + "/" + id,
                       R"({"name":"Other","context":"/catalog","apis":[{"apiId":")" + p.stock +
                           R"(","operations":[{"target":"/stock","verb":"GET"}]}]})");
  EXPECT_EQ(renamed.status, 400);
  EXPECT_NE(description(renamed).find("'name'"), std::string::npos) << renamed.body;

  auto rev = admin("POST", kProducts + "/" + id + "/revisions", R"({"description":"r1"})");
  ASSERT_EQ(rev.status, 201) << rev.body;
  const std::string rev_id = str(json_of(rev).at("id"));
  auto revs = admin("GET", kProducts + "/" + id + "/revisions");
  ASSERT_EQ(revs.status, 200);
  EXPECT_EQ(json_of(revs)["count"], 1);
  EXPECT_EQ(admin("POST", kProducts + "/" + id + "/deploy-revision?revisionId=nope",
                  R"([{"name":"Default"}])").status, 404);
  EXPECT_EQ(admin("POST", kProducts + "/" + id + "/deploy-revision?revisionId=" + rev_id,
                  R"([{"name":"Elsewhere"}])").status, 400);
  ASSERT_EQ(admin("POST", kProducts + "/" + id + "/deploy-revision?revisionId=" + rev_id,
                  R"([{"name":"Default"}])").status, 201);
  auto deps = admin("GET", kProducts + "/" + id + "/deployments");
  ASSERT_EQ(deps.status, 200);
  EXPECT_EQ(json_of(deps)["count"], 1);
  // CREATED products are deployed but refuse callers without a subscription like APIs do.
  EXPECT_EQ(wait_for_status("/catalog/1.0.0/stock", [](int s) { return s == 401; }), 401);
  EXPECT_EQ(admin("DELETE", kProducts + "/" + id + "/revisions/" + rev_id).status, 409);  // deployed
}


TEST_F(ApiProducts, CopyApiProductsMakesANewVersionInCreatedWithTheSameApis) {
  const Pair p = two_apis("Copy");
  const std::string id = create_product(product_body("CopyShop", "/copyshop", p));
  ASSERT_EQ(admin("POST", kProducts + "/" + id + "/documents",
                  R"({"name":"Guide","type":"HOWTO","sourceType":"INLINE","visibility":"API_LEVEL"})")
                .status,
            201);
  ASSERT_EQ(lifecycle(id, "Publish"), 200);

  auto copied = admin("POST", kProducts + "/copy-api-products?apiProductId=" + id + "&newVersion=2.0.0&defaultVersion=true");
  ASSERT_EQ(copied.status, 201) << copied.body;
  auto product = json_of(copied);
  const std::string copy_id = str(product.at("id"));
  EXPECT_NE(copy_id, id);
  EXPECT_EQ(copied.header("location"), kProducts + "/" + copy_id);
  EXPECT_EQ(str(product.at("version")), "2.0.0");
  EXPECT_EQ(str(product.at("name")), "CopyShop");
  EXPECT_EQ(str(product.at("state")), "CREATED");
  EXPECT_EQ(product.at("apis").as_array().size(), 2u);
  EXPECT_EQ(str(product.at("apis").as_array()[0].at("apiId")), p.orders);
  EXPECT_EQ(json_of(admin("GET", kProducts + "/" + copy_id + "/documents"))["count"], 1);
  EXPECT_EQ(str(json_of(admin("GET", kProducts + "/" + id)).at("state")), "PUBLISHED");  // the original stays
  // The bundled APIs are now used by both versions.
  EXPECT_EQ(admin("DELETE", kApis + "/" + p.stock).status, 409);
}

TEST_F(ApiProducts, CopyApiProductsRefusesBadRequests) {
  const Pair p = two_apis("CopyBad");
  const std::string id = create_product(product_body("CopyBadShop", "/copybadshop", p));
  EXPECT_EQ(admin("POST", kProducts + "/copy-api-products?apiProductId=" + id).status, 400);
  EXPECT_EQ(admin("POST", kProducts + "/copy-api-products?newVersion=2.0.0").status, 400);
  EXPECT_EQ(admin("POST", kProducts + "/copy-api-products?apiProductId=" + id + "&newVersion=1.0.0").status, 409);
  EXPECT_EQ(admin("POST", kProducts + "/copy-api-products?apiProductId=" + id + "&newVersion=2.0&defaultVersion=maybe")
                .status,
            400);
  auto unknown = admin("POST", kProducts + "/copy-api-products?apiProductId=01234567-89ab-cdef-0123-456789abcdef&newVersion=2.0.0");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  // An API's id is no API product's.
  EXPECT_EQ(admin("POST", kProducts + "/copy-api-products?apiProductId=" + p.orders + "&newVersion=2.0.0").status, 404);
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"copy-pub","password":"password-123","roles":["publisher"]})")
                .status,
            201);
  EXPECT_EQ(mgmt().call("POST", kProducts + "/copy-api-products?apiProductId=" + id + "&newVersion=3.0.0", "",
                        "copy-pub", "password-123")
                .status,
            403);
  EXPECT_EQ(json_of(admin("GET", kProducts + "?query=name:CopyBadShop"))["count"], 1);  // nothing half-made
}

TEST_F(ApiProducts, IsOutdatedOnceOneOfItsApisChangesAfterTheProductWasSaved) {
  const Pair p = two_apis("9");
  const std::string id = create_product(product_body("Outdated", "/outdated", p));
  auto fresh = admin("GET", kProducts + "/" + id + "/is-outdated");
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(json_of(fresh).at("isOutdated"), false);

  // The stock API changes (epoch-millisecond times: let the clock move first).
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  boost::json::object stock = json_of(admin("GET", kApis + "/" + p.stock));
  stock["description"] = "restocked";
  ASSERT_EQ(admin("PUT", kApis + "/" + p.stock, boost::json::serialize(stock)).status, 200);
  EXPECT_EQ(json_of(admin("GET", kProducts + "/" + id + "/is-outdated")).at("isOutdated"), true);

  // Saving the product again takes the APIs up.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(admin("PUT", kProducts + "/" + id, product_body("Outdated", "/outdated", p)).status, 200);
  EXPECT_EQ(json_of(admin("GET", kProducts + "/" + id + "/is-outdated")).at("isOutdated"), false);

  EXPECT_EQ(admin("GET", kProducts + "/nope/is-outdated").status, 404);
  EXPECT_EQ(admin("GET", kProducts + "/" + p.stock + "/is-outdated").status, 404);  // an API, not a product
}

}  // namespace
}  // namespace archway::testing
