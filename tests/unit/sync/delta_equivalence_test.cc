// The gateway's state kept by changes equals the state loaded afresh: random sequences of
// management writes go to a real store; after each, the changes the feed reads from the change log
// are applied to a SnapshotBuilder, and its snapshot must describe exactly what a snapshot built
// from the store's full state describes.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "common/ids.h"
#include "common/problem.h"
#include "gateway/snapshot_builder.h"
#include "store/store.h"
#include "sync/change_feed.h"

namespace archway::sync {
namespace {

constexpr std::int64_t kFarFuture = 4102444800;  // 2100-01-01: revocations that stay

class DeltaEquivalence : public ::testing::TestWithParam<unsigned> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("archway-delta-" + common::new_uuid());
    std::filesystem::create_directories(dir_);
    store_ = store::open_sqlite_store((dir_ / "archway.db").string());
    rng_.seed(GetParam());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  template <class C>
  const auto& any(const C& c) {
    auto it = c.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(pick(c.size())));
    return *it;
  }
  std::string tier() {
    return std::vector<std::string>{"Unlimited", "Gold", "TestGold", "TestBronze", "10PerMin", "Missing"}[pick(6)];
  }

  void create_policy(const std::string& level, const std::string& name, std::int64_t count) {
    domain::ThrottlePolicy p;
    p.id = common::new_uuid();
    p.level = level;
    p.name = name;
    p.display_name = name;
    p.limit.request_count = count;
    store_->create_policy(p);
    policies_.push_back({level, p.id});
  }

  void create_api() {
    domain::Api a;
    a.id = common::new_uuid();
    const int n = ++api_count_;
    // Some APIs share their context's first segment (one route bucket), some are versions of
    // another (the same context).
    a.name = "api" + std::to_string(n);
    a.context = pick(3) == 0 ? "/shop/" + a.name : "/" + a.name;
    a.version = "1.0";
    a.provider = "admin";
    a.endpoint_config.production = domain::Endpoint{.url = "http://backend:" + std::to_string(1000 + n)};
    a.operations.push_back({"", "/items", "GET"});
    a.operations.push_back({"", "/items/{id}", "GET"});
    if (pick(2) == 0) a.operations.push_back({"", "/*", "POST"});
    a.api_throttling_policy = pick(4) == 0 ? "Burst" : "";
    store_->create_api(a);
    apis_.insert(a.id);
  }

  void deploy(const std::string& api_id) {
    auto api = store_->get_api(api_id);
    auto rev = store_->create_revision(*api, "");
    store_->deploy_revision(api_id, rev.id, {domain::Deployment{}});
  }

  void lifecycle(const std::string& api_id) {
    auto api = store_->get_api(api_id);
    const std::string to = std::vector<std::string>{"PUBLISHED", "BLOCKED", "PROTOTYPED", "DEPRECATED"}[pick(4)];
    if (api->lifecycle_status == to) return;
    store_->change_lifecycle({{api_id, api->lifecycle_status, to, "admin", 1}}, {});
  }

  void create_application() {
    domain::Application a;
    a.id = common::new_uuid();
    a.name = "app" + std::to_string(++app_count_);
    a.owner = pick(2) ? "alice" : "bob";
    a.throttling_policy = tier();
    store_->create_application(a);
    apps_.insert(a.id);
  }

  void create_keys(const std::string& app_id) {
    domain::KeyMapping k;
    k.id = common::new_uuid();
    k.application_id = app_id;
    k.key_type = pick(2) ? "PRODUCTION" : "SANDBOX";
    k.consumer_key = common::new_uuid();
    k.consumer_secret_hash = "hash";
    if (!key_managers_.empty() && pick(3) == 0) k.key_manager = any(key_managers_).second;
    store_->create_key_mapping(k);
    keys_.insert(k.id);
  }

  void subscribe(const std::string& app_id, const std::string& api_id) {
    domain::Subscription s;
    s.id = common::new_uuid();
    s.application_id = app_id;
    s.api_id = api_id;
    s.throttling_policy = tier();
    store_->create_subscription(s);
    subs_.insert(s.id);
  }

  void create_key_manager() {
    domain::ExternalKeyManager km;
    km.id = common::new_uuid();
    km.name = "idp" + std::to_string(++km_count_);
    km.issuer = "https://" + km.name + ".example";
    km.jwks_url = km.issuer + "/jwks";
    km.jwks = R"({"keys":[{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",)"
              R"("y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","kid":"k)" + km.name + R"("}]})";
    store_->create_key_manager(km);
    store_->set_key_manager_jwks(km.id, km.jwks, 1);
    key_managers_.emplace(km.id, km.name);
  }

  void add_signing_key() {
    domain::SigningKeyRecord k;
    k.kid = "sig" + std::to_string(++signing_count_);
    k.alg = "ES256";
    k.sealed_private_pem = "sealed";
    k.public_jwk = R"({"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",)"
                   R"("y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","alg":"ES256","use":"sig","kid":")" +
                   k.kid + R"("})";
    k.created_time = 1;
    store_->add_signing_key(k);
  }

  // One random management write (a client mistake the store refuses counts as a write too).
  void random_write() {
    try {
      switch (pick(20)) {
        case 0: case 1: create_api(); break;
        case 2: case 3: if (!apis_.empty()) deploy(any(apis_)); break;
        case 4: if (!apis_.empty()) lifecycle(any(apis_)); break;
        case 5:
          if (!apis_.empty()) {
            const std::string id = any(apis_);
            for (const auto& d : store_->list_deployments(id)) store_->undeploy_revision(id, d.revision_id, {d.name});
          }
          break;
        case 6:
          if (!apis_.empty()) {
            const std::string id = any(apis_);
            store_->delete_api(id);
            apis_.erase(id);
          }
          break;
        case 7: case 8: create_application(); break;
        case 9:
          if (!apps_.empty()) {
            auto a = store_->get_application(any(apps_));
            a->throttling_policy = tier();
            store_->update_application(*a);
          }
          break;
        case 10:
          if (!apps_.empty()) {
            const std::string id = any(apps_);
            store_->delete_application(id);
            apps_.erase(id);
          }
          break;
        case 11: if (!apps_.empty()) create_keys(any(apps_)); break;
        case 12:
          if (!keys_.empty()) {
            const std::string id = any(keys_);
            store_->delete_key_mapping(id);
            keys_.erase(id);
          }
          break;
        case 13: case 14: if (!apps_.empty() && !apis_.empty()) subscribe(any(apps_), any(apis_)); break;
        case 15:
          if (!subs_.empty()) {
            const std::string id = any(subs_);
            if (pick(2)) store_->update_subscription_status(id, pick(2) ? "BLOCKED" : "PROD_ONLY_BLOCKED");
            else store_->update_subscription_tier(id, tier());
          }
          break;
        case 16:
          if (!subs_.empty()) {
            const std::string id = any(subs_);
            store_->delete_subscription(id);
            subs_.erase(id);
          }
          break;
        case 17: store_->revoke_token({common::new_uuid(), kFarFuture}); break;
        case 18:
          switch (pick(4)) {
            case 0: create_key_manager(); break;
            case 1:
              if (!key_managers_.empty()) {
                const auto km = any(key_managers_);
                store_->delete_key_manager(km.first);
                key_managers_.erase(km.first);
              }
              break;
            case 2: add_signing_key(); break;
            default: {
              domain::BlockCondition c;
              c.id = common::new_uuid();
              c.type = "APPLICATION";
              c.value = "alice:app" + std::to_string(pick(5));
              store_->create_block_condition(c);
            }
          }
          break;
        default:
          if (policies_.size() < 6) create_policy(pick(2) ? "subscription" : "application", "P" + std::to_string(policies_.size()), 5);
          else {
            const auto& [level, id] = any(policies_);
            auto p = store_->get_policy(level, id);
            p->limit.request_count += 1;
            store_->update_policy(*p);
          }
      }
    } catch (const common::ProblemError&) {
      // refused (a duplicate subscription, an API a product bundles, ...): nothing changed
    }
  }

  // Applies the changes logged since the last call; true when they needed a full load.
  bool follow() {
    bool reloaded = false;
    auto events = store_->events_after(revision_, 100000);
    if (events.empty()) return false;
    revision_ = events.back().revision;
    for (const auto& c : reader_->changes(events, now_)) {
      if (builder_.apply(c)) continue;
      builder_.reset(reader_->deployed_list(), store_->security_state(now_, ChangeReader::kRetiredKeyGraceS));
      reloaded = true;
      break;
    }
    return reloaded;
  }

  std::string fresh() {
    auto deployed = store_->deployed_state("Default");
    return gateway::RuntimeSnapshot::build(deployed.apis, store_->security_state(now_, ChangeReader::kRetiredKeyGraceS),
                                           {}, 1)
        ->describe();
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::mt19937 rng_;
  std::int64_t now_ = 1'700'000'000;
  std::set<std::string> apis_, apps_, keys_, subs_;
  std::map<std::string, std::string> key_managers_;  // id -> name
  std::vector<std::pair<std::string, std::string>> policies_;  // level, id
  int api_count_ = 0, app_count_ = 0, km_count_ = 0, signing_count_ = 0;
  std::optional<ChangeReader> reader_;
  gateway::SnapshotBuilder builder_{{}};
  std::int64_t revision_ = 0;
};

TEST_P(DeltaEquivalence, ChangesAppliedInOrderEqualAFullLoadAfterEveryWrite) {
  reader_.emplace(*store_, "Default");
  create_policy("subscription", "TestGold", 100);
  create_policy("application", "TestBronze", 10);
  create_policy("advanced", "Burst", 50);
  revision_ = reader_->load_deployed();
  builder_.reset(reader_->deployed_list(), store_->security_state(now_, ChangeReader::kRetiredKeyGraceS));
  int reloads = 0;
  for (int step = 0; step < 300; ++step) {
    random_write();
    reloads += follow() ? 1 : 0;
    const std::string kept = builder_.snapshot(static_cast<std::uint64_t>(step) + 2)->describe();
    const std::string loaded = fresh();
    ASSERT_EQ(kept, loaded) << "after write " << step << " (seed " << GetParam() << ")";
  }
  // The sequences do exercise both paths: policy changes reload, everything else is a delta.
  EXPECT_GT(reloads, 0);
  EXPECT_LT(reloads, 100);
  EXPECT_FALSE(apps_.empty() && apis_.empty());
}

TEST_P(DeltaEquivalence, ABatchOfManyWritesEqualsAFullLoad) {
  reader_.emplace(*store_, "Default");
  revision_ = reader_->load_deployed();
  builder_.reset(reader_->deployed_list(), store_->security_state(now_, ChangeReader::kRetiredKeyGraceS));
  for (int step = 0; step < 400; ++step) random_write();
  follow();  // one batch: an entity named several times is read once, as it is now
  EXPECT_EQ(builder_.snapshot(2)->describe(), fresh());
}

INSTANTIATE_TEST_SUITE_P(Seeds, DeltaEquivalence, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u));

}  // namespace
}  // namespace archway::sync
