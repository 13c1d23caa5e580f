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

}  // namespace
}  // namespace archway::gateway
