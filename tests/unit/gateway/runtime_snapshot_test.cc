#include "gateway/runtime_snapshot.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(snap->apis()[0]->production->timeout_ms, 1500);
  EXPECT_EQ(snap->apis()[0]->production->pool_key, "http://h:1");
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

}  // namespace
}  // namespace archway::gateway
