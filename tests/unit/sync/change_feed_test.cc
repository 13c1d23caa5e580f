#include "sync/change_feed.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "common/ids.h"
#include "store/store.h"

namespace archway::sync {
namespace {

class ChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("archway-feed-" + common::new_uuid());
    std::filesystem::create_directories(dir_);
    store_ = store::open_sqlite_store((dir_ / "archway.db").string());
  }
  void TearDown() override {
    feed_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  domain::Api create(const std::string& name) {
    domain::Api a;
    a.id = common::new_uuid();
    a.name = name;
    a.context = "/" + name;
    a.version = "1.0";
    a.provider = "admin";
    a.operations.push_back({"", "/*", "GET"});
    store_->create_api(a);
    return a;
  }

  void start() {
    DeploymentFeed::Subscriber subscriber;
    subscriber.load = [this](const auto& apis, const auto&, const auto& subscriptions, std::int64_t rev) {
      for (std::vector<domain::Subscription> chunk; subscriptions(chunk);) {
      }
      std::this_thread::sleep_for(subscriber_delay_);  // a gateway slow to build its snapshot
      std::lock_guard lock(mu_);
      apis_.clear();
      for (const auto& d : apis) apis_[d.api_id] = d;
      revision_ = rev;
      cv_.notify_all();
    };
    subscriber.apply = [this](const std::vector<domain::ConfigChange>& changes, std::int64_t rev) {
      std::this_thread::sleep_for(subscriber_delay_);
      std::lock_guard lock(mu_);
      for (const auto& c : changes)
        if (const auto* a = std::get_if<domain::ApiChange>(&c)) {
          if (a->deployed) apis_[a->api_id] = *a->deployed;
          else apis_.erase(a->api_id);
        }
      revision_ = rev;
      cv_.notify_all();
      return true;
    };
    feed_ = std::make_unique<DeploymentFeed>(*store_, "Default", std::move(subscriber));
    feed_->start();
  }

  // Waits (at most 5 s) until the subscriber has seen every event in the log, then returns the
  // state of `api_id` ("" when it is not deployed).
  std::string state_of(const std::string& api_id) {
    const std::int64_t last = store_->events_after(0, 100000).back().revision;
    std::unique_lock lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, std::chrono::seconds(5), [&] { return revision_ >= last; }));
    auto it = apis_.find(api_id);
    return it == apis_.end() ? "" : it->second.api.lifecycle_status;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<DeploymentFeed> feed_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, domain::DeployedApi> apis_;
  std::int64_t revision_ = 0;
  std::chrono::milliseconds subscriber_delay_{0};
};

TEST_F(ChangeFeedTest, LifecycleEventsUpdateTheDeployedCopyAndRetiringRemovesIt) {
  auto a = create("a");
  auto rev = store_->create_revision(a, "");
  store_->change_lifecycle({{a.id, "CREATED", "PUBLISHED", "admin", 1}}, {});
  store_->deploy_revision(a.id, rev.id, {domain::Deployment{}});
  start();
  EXPECT_EQ(state_of(a.id),
            "PUBLISHED");  // from the full load: the API's state, not the revision's

  store_->change_lifecycle({{a.id, "PUBLISHED", "BLOCKED", "admin", 2}}, {});
  EXPECT_EQ(state_of(a.id), "BLOCKED");
  store_->change_lifecycle({{a.id, "BLOCKED", "PUBLISHED", "admin", 3}}, {});
  EXPECT_EQ(state_of(a.id), "PUBLISHED");
  store_->change_lifecycle({{a.id, "PUBLISHED", "DEPRECATED", "admin", 4}}, {});
  EXPECT_EQ(state_of(a.id), "DEPRECATED");
  store_->change_lifecycle({{a.id, "DEPRECATED", "RETIRED", "admin", 5}}, {});
  EXPECT_EQ(state_of(a.id), "");
}

TEST_F(ChangeFeedTest, ChangesOfUndeployedApisAreKeptForTheirNextDeployment) {
  auto a = create("b");
  auto rev = store_->create_revision(a, "");
  start();
  store_->change_lifecycle({{a.id, "CREATED", "PROTOTYPED", "admin", 1}}, {});
  EXPECT_EQ(state_of(a.id), "");  // not deployed: nothing to update, nothing added
  store_->deploy_revision(a.id, rev.id, {domain::Deployment{}});
  EXPECT_EQ(state_of(a.id), "PROTOTYPED");
}

TEST_F(ChangeFeedTest, WaitDeliveredReturnsOnlyOnceTheSubscriberHasTheChangesCommittedBeforeIt) {
  auto a = create("slow");
  auto rev = store_->create_revision(a, "");
  subscriber_delay_ = std::chrono::milliseconds(150);
  start();
  store_->deploy_revision(a.id, rev.id, {domain::Deployment{}});
  const std::int64_t committed = store_->events_after(0, 100000).back().revision;
  {
    std::lock_guard lock(mu_);
    EXPECT_LT(revision_, committed);  // the slow subscriber cannot have it yet
  }
  EXPECT_TRUE(feed_->wait_delivered(std::chrono::seconds(5)));
  std::lock_guard lock(mu_);
  EXPECT_GE(revision_, committed);
  ASSERT_EQ(apis_.size(), 1u);
  EXPECT_EQ(apis_.begin()->first, a.id);
}

TEST_F(ChangeFeedTest, WaitDeliveredGivesUpAfterItsTimeout) {
  auto a = create("slower");
  auto rev = store_->create_revision(a, "");
  subscriber_delay_ = std::chrono::milliseconds(400);
  start();
  store_->deploy_revision(a.id, rev.id, {domain::Deployment{}});
  EXPECT_FALSE(feed_->wait_delivered(std::chrono::milliseconds(20)));
  EXPECT_TRUE(feed_->wait_delivered(std::chrono::seconds(5)));
}

TEST_F(ChangeFeedTest, WaitDeliveredWithNothingPendingReturnsAtOnce) {
  start();
  EXPECT_TRUE(feed_->wait_delivered(std::chrono::milliseconds(0)));
}

TEST_F(ChangeFeedTest, DefinitionOfASchemaValidatedApiReachesTheGatewayOnLoadAndOnDeploy) {
  const std::string definition = R"({"openapi":"3.0.3","info":{"title":"v","version":"1.0"},"paths":{}})";
  auto definition_of = [&](const std::string& api_id) {
    state_of(api_id);
    std::lock_guard lock(mu_);
    auto it = apis_.find(api_id);
    return it == apis_.end() ? std::string("(not deployed)") : it->second.api.openapi_definition;
  };
  domain::Api validated;
  validated.id = common::new_uuid();
  validated.name = "validated";
  validated.context = "/validated";
  validated.version = "1.0";
  validated.provider = "admin";
  validated.operations.push_back({"", "/*", "GET"});
  validated.enable_schema_validation = true;
  validated.openapi_definition = definition;
  store_->create_api(validated);
  auto plain = validated;
  plain.id = common::new_uuid();
  plain.name = "plain";
  plain.context = "/plain";
  plain.enable_schema_validation = false;
  store_->create_api(plain);
  store_->deploy_revision(validated.id, store_->create_revision(validated, "").id, {domain::Deployment{}});
  start();  // full load
  EXPECT_EQ(definition_of(validated.id), definition);
  store_->deploy_revision(plain.id, store_->create_revision(plain, "").id, {domain::Deployment{}});  // event
  EXPECT_EQ(definition_of(plain.id), "");  // not needed without validation
  store_->deploy_revision(validated.id, store_->create_revision(validated, "").id, {domain::Deployment{}});
  EXPECT_EQ(definition_of(validated.id), definition);
}

}  // namespace
}  // namespace archway::sync
