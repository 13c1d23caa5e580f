#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "domain/api_json.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"
#include "unit/store/store_backend.h"

namespace archway::store {
namespace {

class StoreTest : public testing::StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped()) return;
    store_ = open_store();
  }
  void TearDown() override {
    store_.reset();
    StoreBackendTest::TearDown();
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
  std::unique_ptr<Store> store_;
};

// Reads or shapes SQLite's file directly: SQLite only.
class SqliteStoreTest : public StoreTest {};

TEST_P(SqliteStoreTest, ADatabaseMigratedByANewerReleaseIsRefusedAndLeftAsItIs) {
  const std::string path = (dir_ / "archway.db").string();
  store_.reset();
  {
    sqlite::Db db(path);
    db.exec("INSERT INTO schema_migrations (version, description, applied_time) VALUES (100000, 'future', 1)");
  }
  try {
    open_sqlite_store(path);
    FAIL() << "a database from a newer release was opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("version 100000"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("newer release"), std::string::npos) << e.what();
  }
  sqlite::Db db(path);  // untouched: the future row is still there
  sqlite::Stmt s = db.prepare("SELECT COUNT(*) FROM schema_migrations WHERE version = 100000");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.integer(0), 1);
}

// Branches take migration numbers apart, so one may be merged after a higher one has run: it still
// runs once, at the next start.
TEST_P(SqliteStoreTest, AMigrationMissingBelowTheNewestRunsAtTheNextOpen) {
  const std::string path = (dir_ / "archway.db").string();
  store_.reset();
  {  // As a release without migration 20 left it: its tables gone, its row never written.
    sqlite::Db db(path);
    db.exec("DROP TABLE family_access_tokens; DROP INDEX refresh_tokens_by_family; DELETE FROM schema_migrations WHERE version = 20");
    db.exec("ALTER TABLE refresh_tokens DROP COLUMN family_id; ALTER TABLE authorization_codes DROP COLUMN family_id");
  }
  store_ = open_sqlite_store(path);
  sqlite::Db db(path);
  sqlite::Stmt applied = db.prepare("SELECT COUNT(*) FROM schema_migrations WHERE version = 20");
  ASSERT_TRUE(applied.step());
  EXPECT_EQ(applied.integer(0), 1);
  sqlite::Stmt table = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'family_access_tokens'");
  ASSERT_TRUE(table.step());
  EXPECT_EQ(table.integer(0), 1);
}

TEST_P(StoreTest, DuplicateNameVersionOrContextVersionConflicts) {
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

TEST_P(StoreTest, ListSearchesAndPages) {
  for (int i = 0; i < 5; ++i) store_->create_api(api("Api" + std::to_string(i), "/c" + std::to_string(i)));
  store_->create_api(api("Weather", "/weather"));
  EXPECT_EQ(store_->list_apis({"weath", 25, 0}).total, 1);
  auto page = store_->list_apis({"", 2, 4});
  EXPECT_EQ(page.total, 6);
  EXPECT_EQ(page.list.size(), 2u);
  EXPECT_EQ(store_->list_apis({"%", 25, 0}).total, 0);  // LIKE wildcards are literal
  auto by_name = store::parse_api_query("name:api version:1");
  by_name.limit = 2;
  by_name.offset = 1;
  page = store_->list_apis(by_name);
  EXPECT_EQ(page.total, 5);  // every ApiN, paginated after filtering
  ASSERT_EQ(page.list.size(), 2u);
  EXPECT_EQ(page.list[0].name.substr(0, 3), "Api");
  EXPECT_EQ(store_->list_apis(store::parse_api_query("name:weather tag:none")).total, 0);
}

TEST_P(StoreTest, RevisionsAreNumberedAndNeverReused) {
  auto a = api("A", "/a");
  store_->create_api(a);
  auto r1 = store_->create_revision(a, "one");
  auto r2 = store_->create_revision(a, "two");
  EXPECT_EQ(r1.number, 1);
  EXPECT_EQ(r2.number, 2);
  EXPECT_TRUE(store_->delete_revision(a.id, r2.id));
  EXPECT_EQ(store_->create_revision(a, "three").number, 3);
}

TEST_P(StoreTest, DeployAppendsEventsAndReplacesPerEnvironment) {
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

TEST_P(StoreTest, DeletingADeployedApiUndeploysIt) {
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

using History = domain::LifecycleHistoryEntry;

int status_of(const std::function<void()>& f) {
  try {
    f();
    return 0;
  } catch (const common::ProblemError& e) {
    return e.problem().status;
  }
}

TEST_P(StoreTest, LifecycleChangeRecordsHistoryAndAppendsAnEvent) {
  auto a = api("A", "/a");
  store_->create_api(a);
  std::int64_t notified = 0;
  store_->set_commit_listener([&](std::int64_t rev) { notified = rev; });
  store_->change_lifecycle({{a.id, "CREATED", "PUBLISHED", "dave", 5}}, {});
  EXPECT_EQ(store_->get_api(a.id)->lifecycle_status, "PUBLISHED");
  EXPECT_EQ(store_->get_api(a.id)->last_updated_time, 5);
  auto h = store_->lifecycle_history(a.id);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].previous_state, "");  // the creation
  EXPECT_EQ(h[0].post_state, "CREATED");
  EXPECT_EQ(h[0].user, "admin");
  EXPECT_EQ(h[1].previous_state, "CREATED");
  EXPECT_EQ(h[1].post_state, "PUBLISHED");
  EXPECT_EQ(h[1].user, "dave");
  EXPECT_EQ(h[1].updated_time, 5);
  auto events = store_->events_after(0, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "api.lifecycle");
  EXPECT_EQ(events[0].entity_id, a.id);
  EXPECT_EQ(events[0].payload, R"({"apiId":")" + a.id + R"(","state":"PUBLISHED"})");
  EXPECT_EQ(notified, events[0].revision);
}

TEST_P(StoreTest, LifecycleChangeFromAStaleStateIs409AndWritesNothing) {
  auto a = api("A", "/a");
  auto b = api("B", "/b");
  store_->create_api(a);
  store_->create_api(b);
  store_->change_lifecycle({{a.id, "CREATED", "PUBLISHED", "dave", 5}}, {});
  EXPECT_EQ(status_of([&] {
              store_->change_lifecycle({{a.id, "CREATED", "PROTOTYPED", "eve", 6}}, {});
            }),
            409);
  // All or nothing: B's change is rolled back with A's stale one.
  EXPECT_EQ(
      status_of([&] {
        store_->change_lifecycle(
            {{b.id, "CREATED", "PUBLISHED", "eve", 7}, {a.id, "CREATED", "BLOCKED", "eve", 7}}, {});
      }),
      409);
  EXPECT_EQ(store_->get_api(b.id)->lifecycle_status, "CREATED");
  EXPECT_EQ(store_->lifecycle_history(b.id).size(), 1u);
  EXPECT_EQ(store_->events_after(0, 10).size(), 1u);
  EXPECT_EQ(status_of([&] {
              store_->change_lifecycle({{"nope", "CREATED", "PUBLISHED", "eve", 7}}, {});
            }),
            404);
}

TEST_P(StoreTest, UpdateKeepsTheStoredLifecycleState) {
  auto a = api("A", "/a");
  store_->create_api(a);
  store_->change_lifecycle({{a.id, "CREATED", "PUBLISHED", "dave", 5}}, {});
  a.description = "edited";  // `a` still says CREATED: an edit read before the change
  store_->update_api(a);
  auto got = store_->get_api(a.id);
  EXPECT_EQ(got->description, "edited");
  EXPECT_EQ(got->lifecycle_status, "PUBLISHED");
  EXPECT_EQ(store_->list_apis({}).list.at(0).lifecycle_status, "PUBLISHED");
}

TEST_P(StoreTest, DeployedCopyCarriesTheApisStateAndRetiringUndeploysEverywhere) {
  auto a = api("A", "/a");
  store_->create_api(a);
  auto r1 = store_->create_revision(a, "");  // frozen while CREATED
  store_->change_lifecycle({{a.id, "CREATED", "PUBLISHED", "dave", 5}}, {});
  domain::Deployment other;
  other.name = "Other";
  store_->deploy_revision(a.id, r1.id, {domain::Deployment{}, other});
  auto st = store_->deployed_state("Default");
  ASSERT_EQ(st.apis.size(), 1u);
  EXPECT_EQ(st.apis[0].api.lifecycle_status, "PUBLISHED");
  auto deployed = store_->events_after(1, 10);
  ASSERT_EQ(deployed.size(), 2u);
  EXPECT_NE(deployed[0].payload.find(R"("lifeCycleStatus":"PUBLISHED")"), std::string::npos)
      << deployed[0].payload;

  store_->change_lifecycle(
      {{a.id, "PUBLISHED", "DEPRECATED", "dave", 6}, {a.id, "DEPRECATED", "RETIRED", "dave", 6}},
      {});
  EXPECT_TRUE(store_->list_deployments(a.id).empty());
  EXPECT_TRUE(store_->deployed_state("Default").apis.empty());
  std::vector<std::string> types;
  for (const auto& e : store_->events_after(3, 10)) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"api.lifecycle", "api.lifecycle", "api.undeployed",
                                             "api.undeployed"}));
  EXPECT_EQ(status_of([&] { store_->deploy_revision(a.id, r1.id, {domain::Deployment{}}); }), 409);
  EXPECT_EQ(store_->lifecycle_history(a.id).back().post_state, "RETIRED");
}

TEST_P(StoreTest, CarriedSubscriptionsSkipTakenAndVanishedApplications) {
  auto v1 = api("A", "/a");
  auto v2 = api("A", "/a");
  v2.version = "2.0";
  store_->create_api(v1);
  store_->create_api(v2);
  EXPECT_EQ(store_->list_api_versions("A", "admin").size(), 2u);
  EXPECT_TRUE(store_->list_api_versions("A", "someone").empty());
  for (const char* id : {"app1", "app2"}) {
    domain::Application app;
    app.id = id;
    app.name = id;
    app.owner = "sam";
    store_->create_application(app);
  }
  store_->create_subscription({"s1", "app1", v2.id, "Gold", "UNBLOCKED", 1});
  const std::vector<domain::Subscription> carried = {
      {"c1", "app1", v2.id, "Unlimited", "UNBLOCKED", 2},
      {"c2", "app2", v2.id, "Unlimited", "BLOCKED", 2},
      {"c3", "gone", v2.id, "Unlimited", "UNBLOCKED", 2}};
  store_->change_lifecycle({{v2.id, "CREATED", "PUBLISHED", "dave", 5}}, carried);
  auto subs = store_->list_subscriptions("", v2.id);
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].id, "s1");
  EXPECT_EQ(subs[0].throttling_policy, "Gold");  // the existing one is kept
  EXPECT_EQ(subs[1].id, "c2");
  EXPECT_EQ(subs[1].status, "BLOCKED");
  EXPECT_EQ(store_->events_after(0, 10).back().type, "subscription.changed");
}

TEST_P(StoreTest, MigrationsRunOnceAcrossReopen) {
  store_->create_api(api("A", "/a"));
  store_.reset();
  store_ = open_store();
  EXPECT_EQ(store_->list_apis({}).total, 1);
}

domain::BlockCondition ip_condition(const std::string& ip) {
  domain::BlockCondition c;
  c.id = common::new_uuid();
  c.type = "IP";
  c.fixed_ip = ip;
  return c;
}

TEST_P(StoreTest, AdvancedTiersAreSeeded) {
  std::vector<std::string> names;
  for (const auto& p : store_->list_policies(domain::kPolicyLevelAdvanced)) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Unlimited", "10KPerMin", "20KPerMin", "50KPerMin"}));
  auto unlimited = store_->find_policy(domain::kPolicyLevelAdvanced, "Unlimited");
  ASSERT_TRUE(unlimited);
  EXPECT_TRUE(unlimited->unlimited);
  EXPECT_EQ(unlimited->id, "5eed0000-0000-0000-0000-00000000000a");
  EXPECT_EQ(store_->find_policy(domain::kPolicyLevelAdvanced, "20KPerMin")->limit.request_count, 20000);
}

TEST_P(StoreTest, AdvancedPolicyKeepsItsConditionalGroups) {
  domain::ThrottlePolicy p;
  p.id = common::new_uuid();
  p.level = domain::kPolicyLevelAdvanced;
  p.name = "Office";
  p.display_name = "Office";
  p.limit.request_count = 100;
  domain::ConditionalGroup g;
  g.description = "office network";
  domain::ThrottleCondition c;
  c.type = "IPCONDITION";
  c.ip_condition_type = "IPRANGE";
  c.starting_ip = "10.0.0.1";
  c.ending_ip = "10.0.0.255";
  g.conditions.push_back(c);
  g.limit.request_count = 1000;
  p.conditional_groups.push_back(g);
  store_->create_policy(p);
  auto got = store_->get_policy(domain::kPolicyLevelAdvanced, p.id);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->conditional_groups.size(), 1u);
  EXPECT_EQ(got->conditional_groups[0].conditions[0].ending_ip, "10.0.0.255");
  EXPECT_EQ(got->conditional_groups[0].limit.request_count, 1000);
  EXPECT_FALSE(store_->get_policy(domain::kPolicyLevelSubscription, p.id));  // levels do not mix
  EXPECT_EQ(store_->events_after(0, 10).back().type, "policy.changed");
}

TEST_P(StoreTest, BlockConditionsAreCreatedListedToggledAndDeleted) {
  auto c = ip_condition("192.0.2.7");
  store_->create_block_condition(c);
  auto got = store_->get_block_condition(c.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->fixed_ip, "192.0.2.7");
  EXPECT_TRUE(got->enabled);
  EXPECT_GT(got->created_time, 0);
  EXPECT_EQ(store_->list_block_conditions().size(), 1u);
  EXPECT_TRUE(store_->set_block_condition_status(c.id, false));
  EXPECT_FALSE(store_->get_block_condition(c.id)->enabled);
  EXPECT_FALSE(store_->set_block_condition_status("no-such-id", true));
  EXPECT_TRUE(store_->delete_block_condition(c.id));
  EXPECT_FALSE(store_->delete_block_condition(c.id));
  EXPECT_FALSE(store_->get_block_condition(c.id));
}

TEST_P(StoreTest, TheSameBlockConditionCannotBeAddedTwice) {
  store_->create_block_condition(ip_condition("2001:db8::1"));
  try {
    store_->create_block_condition(ip_condition("2001:DB8:0::1"));  // the same address, spelt otherwise
    FAIL();
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 409);
  }
  auto user = domain::BlockCondition{};
  user.id = common::new_uuid();
  user.type = "USER";
  user.value = "2001:db8::1";  // same text, another type: no clash
  store_->create_block_condition(user);
  EXPECT_EQ(store_->list_block_conditions().size(), 2u);
}

TEST_P(StoreTest, BlockConditionWritesAppendChangeEvents) {
  std::int64_t notified = 0;
  store_->set_commit_listener([&](std::int64_t rev) { notified = rev; });
  auto c = ip_condition("192.0.2.1");
  store_->create_block_condition(c);
  store_->set_block_condition_status(c.id, false);
  store_->delete_block_condition(c.id);
  auto events = store_->events_after(0, 10);
  ASSERT_EQ(events.size(), 3u);
  for (const auto& e : events) {
    EXPECT_EQ(e.type, "blocking.changed");
    EXPECT_EQ(e.entity_id, c.id);
  }
  EXPECT_EQ(notified, events.back().revision);
}

TEST_P(StoreTest, SecurityStateCarriesPoliciesAndEnabledBlockConditions) {
  auto on = ip_condition("192.0.2.1");
  auto off = ip_condition("192.0.2.2");
  off.enabled = false;
  store_->create_block_condition(on);
  store_->create_block_condition(off);
  auto st = store_->security_state(0, 0);
  ASSERT_EQ(st.block_conditions.size(), 1u);
  EXPECT_EQ(st.block_conditions[0].id, on.id);
  int advanced = 0, subscription = 0, application = 0;
  for (const auto& p : st.policies) {
    advanced += p.level == domain::kPolicyLevelAdvanced;
    subscription += p.level == domain::kPolicyLevelSubscription;
    application += p.level == domain::kPolicyLevelApplication;
  }
  EXPECT_EQ(advanced, 4);
  EXPECT_EQ(subscription, 5);
  EXPECT_EQ(application, 4);
  store_->set_block_condition_status(off.id, true);
  EXPECT_EQ(store_->security_state(0, 0).block_conditions.size(), 2u);
}

domain::Api product_of(const domain::Api& member, const std::string& name, const std::string& context) {
  domain::Api p;
  p.id = common::new_uuid();
  p.name = name;
  p.context = context;
  p.version = "1.0.0";
  p.provider = "admin";
  p.type = std::string(domain::kApiTypeProduct);
  p.created_time = p.last_updated_time = 2;
  domain::ProductApi pa;
  pa.api_id = member.id;
  pa.name = member.name;
  pa.operations.push_back({"", "/*", "GET"});
  pa.endpoint_config = domain::endpoint_config_from_json(boost::json::parse(
      R"({"endpoint_type":"http","production_endpoints":{"url":"http://member:1"}})").as_object());
  p.product_apis.push_back(pa);
  return p;
}

TEST_P(StoreTest, AnApiAProductBundlesCannotBeDeletedUntilTheProductLetsGo) {
  const domain::Api a = api("Member", "/member");
  const domain::Api other = api("Other", "/other");
  store_->create_api(a);
  store_->create_api(other);
  domain::Api p = product_of(a, "Bundle", "/bundle");
  store_->create_api(p);
  try {
    store_->delete_api(a.id);
    FAIL();
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 409);
    EXPECT_NE(e.problem().description.find("'Bundle'"), std::string::npos);
  }
  ASSERT_TRUE(store_->get_api(a.id));
  p.product_apis[0].api_id = other.id;  // the product now bundles the other API
  store_->update_api(p);
  EXPECT_TRUE(store_->delete_api(a.id));
  EXPECT_THROW(store_->delete_api(other.id), common::ProblemError);
  EXPECT_TRUE(store_->delete_api(p.id));
  EXPECT_TRUE(store_->delete_api(other.id));
}

TEST_P(StoreTest, ProductsAndApisNeverShareAContextAndListApartByKind) {
  const domain::Api a = api("Member", "/member");
  store_->create_api(a);
  EXPECT_THROW(store_->create_api(product_of(a, "Clash", "/member")), common::ProblemError);
  const domain::Api p = product_of(a, "Bundle", "/bundle");
  store_->create_api(p);
  domain::Api squatter = api("Squatter", "/bundle");
  squatter.version = "2.0";
  EXPECT_THROW(store_->create_api(squatter), common::ProblemError);
  // The stored product keeps its bundled APIs, with what the gateway needs.
  const auto stored = store_->get_api(p.id);
  ASSERT_TRUE(stored);
  ASSERT_TRUE(stored->is_product());
  ASSERT_EQ(stored->product_apis.size(), 1u);
  EXPECT_EQ(stored->product_apis[0].api_id, a.id);
  ASSERT_TRUE(stored->product_apis[0].endpoint_config.production);
  EXPECT_EQ(stored->product_apis[0].endpoint_config.production->url, "http://member:1");
  ApiQuery q;
  q.kind = "APIPRODUCT";
  ASSERT_EQ(store_->list_apis(q).total, 1);
  EXPECT_EQ(store_->list_apis(q).list[0].id, p.id);
  q.kind = "API";
  EXPECT_EQ(store_->list_apis(q).total, 1);
  EXPECT_EQ(store_->list_apis({}).total, 2);
}

// Token families (RFC 9700 §4.14): what a client of key "ck" was issued, as the Key Manager records it.
class TokenFamilyTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;
    domain::Application app;
    app.id = "app";
    app.name = "app";
    app.owner = "ann";
    store_->create_application(app);
    domain::KeyMapping km;
    km.id = "km";
    km.application_id = app.id;
    km.key_type = "PRODUCTION";
    km.consumer_key = "ck";
    store_->create_key_mapping(km);
  }
  static std::int64_t now() { return common::now_millis() / 1000; }
  static domain::FamilyIssue issue(const std::string& family, const std::string& jti, const std::string& refresh,
                                   std::int64_t access_expires_at = now() + 3600) {
    domain::FamilyIssue f{family, jti, access_expires_at, std::nullopt};
    if (!refresh.empty()) f.refresh = domain::RefreshToken{refresh, "ck", "ann", "default", now() + 86400, false, family};
    return f;
  }
  std::vector<std::string> revoked_events() {
    std::vector<std::string> out;
    for (const auto& e : store_->events_after(0, 1000))
      if (e.type == "token.revoked") out.push_back(e.entity_id);
    return out;
  }
};

TEST_P(TokenFamilyTest, ReuseRevokesTheFamilysUnexpiredAccessTokensAndEveryRefreshToken) {
  store_->record_family_issue(issue("F", "a1", "r1"));
  ASSERT_TRUE(store_->redeem_refresh_token("r1", issue("F", "a2", "r2")));
  store_->record_family_issue(issue("F", "a-expired", "", now() - 10));
  store_->record_family_issue(issue("G", "g1", "s1"));  // another family of the same client and user
  EXPECT_EQ(store_->find_refresh_token("r2")->family_id, "F");

  EXPECT_EQ(store_->revoke_token_family("F"), 2u);
  EXPECT_TRUE(store_->is_token_revoked("a1"));
  EXPECT_TRUE(store_->is_token_revoked("a2"));
  EXPECT_FALSE(store_->is_token_revoked("a-expired"));
  EXPECT_TRUE(store_->find_refresh_token("r2")->used);
  EXPECT_FALSE(store_->redeem_refresh_token("r2", issue("F", "a3", "r3")));
  EXPECT_FALSE(store_->find_refresh_token("r3"));
  EXPECT_FALSE(store_->is_token_revoked("g1"));
  EXPECT_FALSE(store_->find_refresh_token("s1")->used);
  // Each revocation is a token.revoked event the gateways' change feed applies; a second revocation
  // of the family adds none.
  EXPECT_EQ(revoked_events(), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(store_->revoke_token_family("F"), 0u);
  EXPECT_EQ(revoked_events().size(), 2u);
  EXPECT_EQ(store_->revoke_token_family(""), 0u);  // tokens from before families revoke nothing else
}

TEST_P(TokenFamilyTest, ACodeOrRefreshTokenIsRedeemedOnceAndTheLoserRecordsNothing) {
  domain::AuthorizationCode code{"c1", "ck", "https://cb", "ann", "default", "challenge", now() + 60, false, "F"};
  store_->save_authorization_code(code);
  EXPECT_EQ(store_->find_authorization_code("c1")->family_id, "F");
  ASSERT_TRUE(store_->redeem_authorization_code("c1", issue("F", "a1", "r1")));
  EXPECT_FALSE(store_->redeem_authorization_code("c1", issue("F", "a2", "r2")));
  EXPECT_FALSE(store_->find_refresh_token("r2"));
  EXPECT_EQ(store_->revoke_token_family("F"), 1u);  // a2 was never recorded, so never handed out
  // A code used up by a failed PKCE check has no tokens: its family revokes nothing.
  store_->save_authorization_code({"c2", "ck", "https://cb", "ann", "default", "challenge", now() + 60, false, "H"});
  EXPECT_TRUE(store_->consume_authorization_code("c2"));
  EXPECT_FALSE(store_->redeem_authorization_code("c2", issue("H", "h1", "")));
  EXPECT_EQ(store_->revoke_token_family("H"), 0u);
}

// Reads or shapes SQLite's file directly: SQLite only.
class SqliteTokenFamilyTest : public TokenFamilyTest {};

TEST_P(SqliteTokenFamilyTest, AccessTokensLongExpiredAreDroppedOnTheNextIssue) {
  store_->record_family_issue(issue("F", "old", "", now() - 7200));
  store_->record_family_issue(issue("F", "recent", "", now() - 60));
  store_->record_family_issue(issue("F", "new", "r1"));
  sqlite::Db db((dir_ / "archway.db").string());
  sqlite::Stmt s = db.prepare("SELECT jti FROM family_access_tokens ORDER BY jti");
  std::vector<std::string> kept;
  while (s.step()) kept.push_back(s.text(0));
  EXPECT_EQ(kept, (std::vector<std::string>{"new", "recent"}));
}

ARCHWAY_STORE_BACKENDS(StoreTest);
INSTANTIATE_TEST_SUITE_P(, SqliteStoreTest, ::testing::Values(testing::Backend::kSqlite), testing::backend_name);
ARCHWAY_STORE_BACKENDS(TokenFamilyTest);
INSTANTIATE_TEST_SUITE_P(, SqliteTokenFamilyTest, ::testing::Values(testing::Backend::kSqlite), testing::backend_name);

}  // namespace
}  // namespace archway::store
