#include <gtest/gtest.h>

#include <filesystem>

#include "common/ids.h"
#include "common/problem.h"
#include "store/store.h"

namespace archway::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("archway-store-" + common::new_uuid());
    std::filesystem::create_directories(dir_);
    store_ = open_sqlite_store((dir_ / "archway.db").string());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  domain::Api api(const std::string& name, const std::string& context) {
    domain::Api a;
    a.id = common::new_uuid();
    a.name = name;
    a.context = context;
    a.version = "1.0";
    a.provider = "admin";
    a.created_time = a.last_updated_time = 1;
    a.operations.push_back({"", "/*", "GET"});
    return a;
  }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, DuplicateNameVersionOrContextVersionConflicts) {
  store_->create_api(api("A", "/a"));
  try {
    store_->create_api(api("A", "/other"));
    FAIL();
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 409);
  }
  EXPECT_THROW(store_->create_api(api("B", "/a")), common::ProblemError);
  EXPECT_EQ(store_->list_apis({}).total, 1);
}

TEST_F(SqliteStoreTest, ListSearchesAndPages) {
  for (int i = 0; i < 5; ++i) store_->create_api(api("Api" + std::to_string(i), "/c" + std::to_string(i)));
  store_->create_api(api("Weather", "/weather"));
  EXPECT_EQ(store_->list_apis({"weath", 25, 0}).total, 1);
  auto page = store_->list_apis({"", 2, 4});
  EXPECT_EQ(page.total, 6);
  EXPECT_EQ(page.list.size(), 2u);
  EXPECT_EQ(store_->list_apis({"%", 25, 0}).total, 0);  // LIKE wildcards are literal
}

TEST_F(SqliteStoreTest, RevisionsAreNumberedAndNeverReused) {
  auto a = api("A", "/a");
  store_->create_api(a);
  auto r1 = store_->create_revision(a, "one");
  auto r2 = store_->create_revision(a, "two");
  EXPECT_EQ(r1.number, 1);
  EXPECT_EQ(r2.number, 2);
  EXPECT_TRUE(store_->delete_revision(a.id, r2.id));
  EXPECT_EQ(store_->create_revision(a, "three").number, 3);
}

TEST_F(SqliteStoreTest, DeployAppendsEventsAndReplacesPerEnvironment) {
  auto a = api("A", "/a");
  store_->create_api(a);
  auto r1 = store_->create_revision(a, "");
  a.description = "changed";
  auto r2 = store_->create_revision(a, "");
  std::int64_t notified = 0;
  store_->set_commit_listener([&](std::int64_t rev) { notified = rev; });
  store_->deploy_revision(a.id, r1.id, {domain::Deployment{}});
  store_->deploy_revision(a.id, r2.id, {domain::Deployment{}});
  auto deps = store_->list_deployments(a.id);
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps[0].revision_id, r2.id);
  auto st = store_->deployed_state("Default");
  ASSERT_EQ(st.apis.size(), 1u);
  EXPECT_TRUE(store_->deployed_state("Other").apis.empty());
  EXPECT_EQ(st.apis[0].api.description, "changed");
  EXPECT_EQ(st.revision, 2);
  EXPECT_EQ(notified, 2);
  EXPECT_THROW(store_->delete_revision(a.id, r2.id), common::ProblemError);  // deployed
  EXPECT_EQ(store_->undeploy_revision(a.id, r2.id, {"Default"}), 1);
  auto events = store_->events_after(0, 10);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].type, "api.undeployed");
  EXPECT_TRUE(store_->deployed_state("Default").apis.empty());
}

TEST_F(SqliteStoreTest, DeletingADeployedApiUndeploysIt) {
  auto a = api("A", "/a");
  store_->create_api(a);
  auto r1 = store_->create_revision(a, "");
  store_->deploy_revision(a.id, r1.id, {domain::Deployment{}});
  EXPECT_TRUE(store_->delete_api(a.id));
  EXPECT_FALSE(store_->get_api(a.id));
  EXPECT_TRUE(store_->list_revisions(a.id).empty());
  EXPECT_TRUE(store_->deployed_state("Default").apis.empty());
  EXPECT_EQ(store_->events_after(1, 10).at(0).type, "api.undeployed");
}

TEST_F(SqliteStoreTest, MigrationsRunOnceAcrossReopen) {
  store_->create_api(api("A", "/a"));
  store_.reset();
  store_ = open_sqlite_store((dir_ / "archway.db").string());
  EXPECT_EQ(store_->list_apis({}).total, 1);
}

}  // namespace
}  // namespace archway::store
