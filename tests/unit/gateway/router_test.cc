#include "gateway/router.h"

#include <gtest/gtest.h>

#include "gateway/runtime_snapshot.h"

namespace archway::gateway {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  ApiRuntime api_;
  OperationRuntime get_pet_{"GET", "/pets/{petId}"}, list_{"GET", "/pets"}, mine_{"GET", "/pets/mine"},
      any_{"POST", "/*"}, files_{"GET", "/files/*"};
  Router r_;
  void SetUp() override {
    ASSERT_TRUE(r_.add("/store/1.0", "/pets/{petId}", "GET", &api_, &get_pet_));
    ASSERT_TRUE(r_.add("/store/1.0", "/pets", "GET", &api_, &list_));
    ASSERT_TRUE(r_.add("/store/1.0", "/pets/mine", "GET", &api_, &mine_));
    ASSERT_TRUE(r_.add("/store/1.0", "/*", "POST", &api_, &any_));
    ASSERT_TRUE(r_.add("/store/1.0", "/files/*", "GET", &api_, &files_));
  }
};

TEST_F(RouterTest, LiteralBeatsParamBeatsWildcard) {
  EXPECT_EQ(r_.match("GET", "/store/1.0/pets/mine").op, &mine_);
  EXPECT_EQ(r_.match("GET", "/store/1.0/pets/42").op, &get_pet_);
  EXPECT_EQ(r_.match("GET", "/store/1.0/pets").op, &list_);
  EXPECT_EQ(r_.match("POST", "/store/1.0/pets/42/anything").op, &any_);
  EXPECT_EQ(r_.match("GET", "/store/1.0/files/a/b/c.txt").op, &files_);
  EXPECT_EQ(r_.match("GET", "/store/1.0/files").op, &files_);
}

TEST_F(RouterTest, ReportsResourceOffsetAfterContextAndVersion) {
  auto m = r_.match("GET", "/store/1.0/pets/42");
  EXPECT_EQ(std::string_view("/store/1.0/pets/42").substr(m.resource_offset), "/pets/42");
}

TEST_F(RouterTest, UnknownPathIs404AndWrongMethodIs405) {
  EXPECT_EQ(r_.match("GET", "/nope/1.0/pets").status, MatchStatus::kNotFound);
  EXPECT_EQ(r_.match("GET", "/store/2.0/pets").status, MatchStatus::kNotFound);
  EXPECT_EQ(r_.match("DELETE", "/store/1.0/pets/42").status, MatchStatus::kMethodNotAllowed);
  EXPECT_EQ(r_.match("BREW", "/store/1.0/pets/42").status, MatchStatus::kMethodNotAllowed);
  // A 405 names the API whose path it is (its analytics event counts for that API); a 404 none.
  EXPECT_EQ(r_.match("DELETE", "/store/1.0/pets/42").api, &api_);
  EXPECT_EQ(r_.match("DELETE", "/store/1.0/pets/42").op, nullptr);
  EXPECT_EQ(r_.match("GET", "/nope/1.0/pets").api, nullptr);
}

TEST_F(RouterTest, HeadFallsBackToGet) { EXPECT_EQ(r_.match("HEAD", "/store/1.0/pets").op, &list_); }

TEST_F(RouterTest, TrailingAndDoubleSlashesAreTolerated) {
  EXPECT_EQ(r_.match("GET", "/store/1.0/pets/").op, &list_);
  EXPECT_EQ(r_.match("GET", "//store/1.0//pets").op, &list_);
}

TEST_F(RouterTest, SameRouteTwiceIsRefused) {
  OperationRuntime other{"GET", "/pets"};
  EXPECT_FALSE(r_.add("/store/1.0", "/pets", "GET", &api_, &other));
}

TEST(RuntimeSnapshot, DefaultVersionIsReachableWithoutVersion) {
  domain::DeployedApi d;
  d.api_id = "id";
  d.api.name = "A";
  d.api.context = "/a";
  d.api.version = "2.0";
  d.api.is_default_version = true;
  d.api.endpoint_config.production = domain::Endpoint{"http://127.0.0.1:1/base", std::nullopt};
  d.api.operations.push_back({"", "/x", "GET"});
  std::vector<std::string> warnings;
  auto snap = RuntimeSnapshot::build({d}, 1, &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(snap->router().match("GET", "/a/2.0/x").status, MatchStatus::kFound);
  auto m = snap->router().match("GET", "/a/x");
  ASSERT_EQ(m.status, MatchStatus::kFound);
  EXPECT_EQ(std::string_view("/a/x").substr(m.resource_offset), "/x");
  EXPECT_EQ(m.api->production->primary().authority, "127.0.0.1:1");
}

TEST(Router, ManyContextsAndManySiblingsEachFindTheirOwnOperation) {
  // Thousands of contexts (one bucket each) and hundreds of siblings in one bucket, added in no
  // particular order: literal children are searched, not scanned.
  std::vector<ApiRuntime> apis(3000);
  std::vector<OperationRuntime> ops(3000);
  Router r;
  for (int k = 0; k < 3000; ++k) {
    const int i = (k * 7919) % 3000;  // a permutation of 0..2999
    apis[i].id = std::to_string(i);
    ops[i] = OperationRuntime{"GET", "/items/{id}"};
    const std::string prefix = i % 10 == 0 ? "/shop/p" + std::to_string(i) + "/1.0" : "/c" + std::to_string(i) + "/1.0";
    ASSERT_TRUE(r.add(prefix, "/items/{id}", "GET", &apis[i], &ops[i]));
  }
  EXPECT_EQ(r.bucket_count(), 2701u);  // 2,700 contexts of their own and one "shop" bucket
  for (int i : {0, 1, 10, 999, 1000, 2990, 2999}) {
    const std::string path = (i % 10 == 0 ? "/shop/p" + std::to_string(i) : "/c" + std::to_string(i)) + "/1.0/items/7";
    const RouteMatch m = r.match("GET", path);
    ASSERT_EQ(m.status, MatchStatus::kFound) << path;
    EXPECT_EQ(m.api, &apis[i]) << path;
    EXPECT_EQ(m.op, &ops[i]) << path;
  }
  EXPECT_EQ(r.match("GET", "/shop/p5/1.0/items/7").status, MatchStatus::kNotFound);
  EXPECT_EQ(r.match("GET", "/c3000/1.0/items/7").status, MatchStatus::kNotFound);
}

}  // namespace
}  // namespace archway::gateway
