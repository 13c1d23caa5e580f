#include "gateway/runtime_snapshot.h"

#include <gtest/gtest.h>

#include <tuple>

namespace archway::gateway {
namespace {

domain::DeployedApi deployed(const std::string& name, const std::string& context, const std::string& url) {
  domain::DeployedApi d;
  d.api_id = name;
  d.api.name = name;
  d.api.context = context;
  d.api.version = "1.0";
  if (!url.empty()) d.api.endpoint_config.production = domain::Endpoint{url, 1500};
  d.api.operations.push_back({"", "/*", "GET"});
  return d;
}

TEST(RuntimeSnapshot, ApiWithoutEndpointIsSkippedWithAWarning) {
  std::vector<std::string> warnings;
  auto snap = RuntimeSnapshot::build({deployed("A", "/a", ""), deployed("B", "/b", "http://h:1")}, 1, &warnings);
  EXPECT_EQ(snap->apis().size(), 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("production endpoint"), std::string::npos);
  EXPECT_EQ(snap->apis()[0]->production->primary().timeout_ms, 1500);
  EXPECT_EQ(snap->apis()[0]->production->primary().pool_key, "http://h:1");
}

TEST(RuntimeSnapshot, ClashingRoutesAreReported) {
  std::vector<std::string> warnings;
  auto a = deployed("A", "/same", "http://h:1");
  auto b = deployed("B", "/same", "http://h:2");
  RuntimeSnapshot::build({a, b}, 1, &warnings);
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(RuntimeSnapshot, LifecycleStateOfTheDeployedCopyIsCompiled) {
  auto blocked = deployed("Blocked", "/b", "http://h:1");
  blocked.api.lifecycle_status = "BLOCKED";
  auto prototype = deployed("Proto", "/p", "http://h:1");
  prototype.api.lifecycle_status = "PROTOTYPED";
  auto published = deployed("Pub", "/q", "http://h:1");
  published.api.lifecycle_status = "PUBLISHED";
  auto snap = RuntimeSnapshot::build({blocked, prototype, published}, 1);
  ASSERT_EQ(snap->apis().size(), 3u);
  EXPECT_TRUE(snap->apis()[0]->blocked);
  EXPECT_FALSE(snap->apis()[0]->prototyped);
  EXPECT_FALSE(snap->apis()[1]->blocked);
  EXPECT_TRUE(snap->apis()[1]->prototyped);
  EXPECT_FALSE(snap->apis()[2]->blocked);
  EXPECT_FALSE(snap->apis()[2]->prototyped);
}

TEST(RuntimeSnapshot, ApisWithoutTheirOwnCorsTakeTheGatewayDefault) {
  auto plain = deployed("Plain", "/plain", "http://h:1");
  auto own = deployed("Own", "/own", "http://h:1");
  own.api.cors.enabled = true;
  own.api.cors.allow_origins = {"https://app.example"};
  SnapshotSettings settings;
  settings.default_cors.enabled = true;  // allow_origins "*" by default
  auto snap = RuntimeSnapshot::build({plain, own}, {}, settings, 1);
  ASSERT_EQ(snap->apis().size(), 2u);
  EXPECT_TRUE(snap->apis()[0]->cors.enabled);
  EXPECT_EQ(snap->apis()[0]->cors.allow_origin("https://any.example"), "*");
  EXPECT_EQ(snap->apis()[1]->cors.allow_origin("https://app.example"), "https://app.example");
  EXPECT_FALSE(snap->apis()[1]->cors.allow_origin("https://any.example"));

  settings.default_cors.enabled = false;  // gateway.cors_enabled = false
  auto off = RuntimeSnapshot::build({plain, own}, {}, settings, 2);
  EXPECT_FALSE(off->apis()[0]->cors.enabled);
  EXPECT_TRUE(off->apis()[1]->cors.enabled);
}

TEST(EndpointGroup, WeightedScheduleSpreadsHeavyMembers) {
  EXPECT_EQ(weighted_schedule({3, 1}), (std::vector<std::uint32_t>{0, 0, 1, 0}));
  EXPECT_EQ(weighted_schedule({1, 1, 1}), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(weighted_schedule({5}), (std::vector<std::uint32_t>{0, 0, 0, 0, 0}));
}

TEST(EndpointGroup, LoadBalanceRotatesByWeightAndFailoverStartsAtThePrimary) {
  auto lb = deployed("Lb", "/lb", "");
  lb.api.endpoint_config.endpoint_type = "load_balance";
  lb.api.endpoint_config.production_group = {{"http://a:1", std::nullopt, 3},
                                             {"http://b:1", std::nullopt, 1}};
  auto fo = deployed("Fo", "/fo", "");
  fo.api.endpoint_config.endpoint_type = "failover";
  fo.api.endpoint_config.production_group = {{"http://p:1", std::nullopt, 1},
                                             {"http://f:1", std::nullopt, 1}};
  auto snap = RuntimeSnapshot::build({lb, fo}, 1);
  ASSERT_EQ(snap->apis().size(), 2u);
  const EndpointGroup& g = *snap->apis()[0]->production;
  EXPECT_EQ(g.mode, EndpointGroup::Mode::kLoadBalance);
  ASSERT_EQ(g.members.size(), 2u);
  int counts[2] = {0, 0};
  for (int i = 0; i < 400; ++i) ++counts[g.first()];
  EXPECT_EQ(counts[0], 300);
  EXPECT_EQ(counts[1], 100);
  EXPECT_EQ(g.after(1), 0u);
  const EndpointGroup& f = *snap->apis()[1]->production;
  EXPECT_EQ(f.mode, EndpointGroup::Mode::kFailover);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.first(), 0u);
  EXPECT_EQ(f.members[f.after(0)].pool_key, "http://f:1");
  EXPECT_FALSE(snap->apis()[1]->sandbox);
}

TEST(RuntimeSnapshot, AProductsOperationsGoToTheirOwnApisEndpoints) {
  domain::DeployedApi d;
  d.api_id = "P";
  d.api.name = "Shop";
  d.api.context = "/shop";
  d.api.version = "1.0.0";
  d.api.type = std::string(domain::kApiTypeProduct);
  for (const auto& [name, target, url] : {std::tuple{"Orders", "/orders", "http://o:1/a"},
                                          std::tuple{"Stock", "/stock", "http://s:2/b"},
                                          std::tuple{"Broken", "/broken", ""}}) {
    domain::ProductApi pa;
    pa.name = name;
    pa.operations.push_back({"", target, "GET"});
    if (*url) pa.endpoint_config.production = domain::Endpoint{url, std::nullopt};
    d.api.product_apis.push_back(pa);
  }
  std::vector<std::string> warnings;
  auto snap = RuntimeSnapshot::build({d}, 1, &warnings);
  ASSERT_EQ(snap->apis().size(), 1u);  // served without an endpoint of its own
  ASSERT_EQ(warnings.size(), 1u);       // the API without an endpoint is left out
  EXPECT_NE(warnings[0].find("Broken"), std::string::npos);
  auto orders = snap->router().match("GET", "/shop/1.0.0/orders");
  auto stock = snap->router().match("GET", "/shop/1.0.0/stock");
  ASSERT_EQ(orders.status, MatchStatus::kFound);
  ASSERT_EQ(stock.status, MatchStatus::kFound);
  EXPECT_EQ(orders.api, stock.api);  // one API at the gateway: one subscription, one tier
  EXPECT_EQ(orders.op->production->primary().pool_key, "http://o:1");
  EXPECT_EQ(stock.op->production->primary().pool_key, "http://s:2");
  EXPECT_EQ(stock.op->production->primary().url.base_path, "/b");
  EXPECT_EQ(snap->router().match("GET", "/shop/1.0.0/broken").status, MatchStatus::kNotFound);
}

TEST(RuntimeSnapshot, AnApisOperationsUseTheApisEndpoints) {
  auto snap = RuntimeSnapshot::build({deployed("A", "/a", "http://h:1")}, 1);
  const auto& api = *snap->apis()[0];
  ASSERT_EQ(api.operations.size(), 1u);
  EXPECT_EQ(api.operations[0].production, &*api.production);
  EXPECT_EQ(api.operations[0].sandbox, nullptr);
}

}  // namespace
}  // namespace archway::gateway
