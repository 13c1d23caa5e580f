#include "gateway/snapshot_builder.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/tls_identity.h"
#include "crypto/x509_certificate.h"

namespace archway::gateway {
namespace {

domain::DeployedApi deployed(const std::string& id, const std::string& context, std::uint64_t deployment = 1) {
  domain::DeployedApi d;
  d.api_id = id;
  d.revision_id = "r" + std::to_string(deployment);
  d.deployment = deployment;
  d.api.id = id;
  d.api.name = id;
  d.api.context = context;
  d.api.version = "1.0";
  d.api.endpoint_config.production = domain::Endpoint{.url = "http://backend:1"};
  d.api.operations.push_back({"", "/items", "GET"});
  return d;
}

domain::Application application(const std::string& id) {
  domain::Application a;
  a.id = id;
  a.name = id;
  a.owner = "alice";
  return a;
}

domain::KeyMapping key(const std::string& app, const std::string& consumer_key) {
  domain::KeyMapping k;
  k.id = consumer_key + "-mapping";
  k.application_id = app;
  k.key_type = "PRODUCTION";
  k.consumer_key = consumer_key;
  return k;
}

domain::Subscription subscription(const std::string& id, const std::string& app, const std::string& api) {
  domain::Subscription s;
  s.id = id;
  s.application_id = app;
  s.api_id = api;
  s.throttling_policy = "Unlimited";
  return s;
}

const ApiRuntime* api_named(const RuntimeSnapshot& s, std::string_view id) {
  for (const auto& a : s.apis())
    if (a->id == id) return a.get();
  return nullptr;
}

TEST(SnapshotBuilder, ADeploymentCompilesOnlyItsApiAndTheOthersAreShared) {
  SnapshotBuilder b({});
  b.reset({deployed("a", "/a"), deployed("b", "/b"), deployed("c", "/shop/c")}, {});
  auto first = b.snapshot(1);
  ASSERT_TRUE(b.apply(domain::ApiChange{"b", deployed("b", "/b", 2)}));
  auto second = b.snapshot(2);
  EXPECT_EQ(api_named(*first, "a"), api_named(*second, "a"));  // the same compiled API, not a copy
  EXPECT_EQ(api_named(*first, "c"), api_named(*second, "c"));
  ASSERT_NE(api_named(*second, "b"), nullptr);
  EXPECT_NE(api_named(*first, "b"), api_named(*second, "b"));
  EXPECT_EQ(api_named(*second, "b")->deployment, 2u);
  // Both snapshots keep routing with what they were made of.
  EXPECT_EQ(first->router().match("GET", "/b/1.0/items").api, api_named(*first, "b"));
  EXPECT_EQ(second->router().match("GET", "/b/1.0/items").api, api_named(*second, "b"));
  EXPECT_EQ(second->router().match("GET", "/shop/c/1.0/items").api, api_named(*second, "c"));
}

TEST(SnapshotBuilder, UndeployingRemovesTheRoutesAndDeletingForgetsTheSubscriptions) {
  SnapshotBuilder b({});
  domain::SecurityState st;
  st.applications = {application("app")};
  st.subscriptions = {subscription("s1", "app", "a")};
  b.reset({deployed("a", "/a")}, st);
  auto s1 = b.snapshot(1);
  const ApiRuntime* a = api_named(*s1, "a");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(s1->subscription(*a, *s1->application_handle("app")), nullptr);

  ASSERT_TRUE(b.apply(domain::ApiChange{"a", std::nullopt, false}));
  auto s2 = b.snapshot(2);
  EXPECT_EQ(s2->router().match("GET", "/a/1.0/items").status, MatchStatus::kNotFound);
  EXPECT_TRUE(s2->apis().empty());
  EXPECT_NE(s1->router().match("GET", "/a/1.0/items").status, MatchStatus::kNotFound);  // the old one is intact

  ASSERT_TRUE(b.apply(domain::ApiChange{"a", deployed("a", "/a", 3)}));
  auto s3 = b.snapshot(3);
  EXPECT_NE(s3->subscription(*api_named(*s3, "a"), *s3->application_handle("app")), nullptr);
  ASSERT_TRUE(b.apply(domain::ApiChange{"a", std::nullopt, true}));
  EXPECT_EQ(b.snapshot(4)->describe().find("subscription"), std::string::npos);
}

TEST(SnapshotBuilder, RemovingAnApplicationRemovesItsClientsAndSubscriptions) {
  SnapshotBuilder b({});
  domain::SecurityState st;
  st.applications = {application("app"), application("other")};
  st.key_mappings = {key("app", "ck1"), key("other", "ck2")};
  st.subscriptions = {subscription("s1", "app", "a"), subscription("s2", "other", "a")};
  b.reset({deployed("a", "/a")}, st);
  auto before = b.snapshot(1);
  ASSERT_TRUE(b.apply(domain::ApplicationChange{"app", std::nullopt}));
  auto after = b.snapshot(2);
  EXPECT_EQ(after->client("ck1"), nullptr);
  EXPECT_EQ(after->application_handle("app"), nullptr);
  ASSERT_NE(after->client("ck2"), nullptr);
  const ApiRuntime& a = *api_named(*after, "a");
  EXPECT_NE(after->subscription(a, after->client("ck2")->application), nullptr);
  // The earlier snapshot still authorises what it did when it was made.
  ASSERT_NE(before->client("ck1"), nullptr);
  EXPECT_NE(before->subscription(*api_named(*before, "a"), before->client("ck1")->application), nullptr);
}

TEST(SnapshotBuilder, KeysAndSubscriptionsChangeOneAtATime) {
  SnapshotBuilder b({});
  domain::SecurityState st;
  st.applications = {application("app")};
  b.reset({deployed("a", "/a")}, st);
  ASSERT_TRUE(b.apply(domain::KeysChange{"app", {key("app", "ck1")}}));
  ASSERT_TRUE(b.apply(domain::SubscriptionChange{"s1", subscription("s1", "app", "a"), {}, {}}));
  auto s1 = b.snapshot(1);
  ASSERT_NE(s1->client("ck1"), nullptr);
  const SubscriptionRuntime* sub = s1->subscription(*api_named(*s1, "a"), s1->client("ck1")->application);
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->status, "UNBLOCKED");

  auto blocked = subscription("s1", "app", "a");
  blocked.status = "BLOCKED";
  ASSERT_TRUE(b.apply(domain::SubscriptionChange{"s1", blocked, {}, {}}));
  ASSERT_TRUE(b.apply(domain::KeysChange{"app", {key("app", "ck2")}}));  // keys regenerated
  auto s2 = b.snapshot(2);
  EXPECT_EQ(s2->client("ck1"), nullptr);
  ASSERT_NE(s2->client("ck2"), nullptr);
  EXPECT_EQ(s2->subscription(*api_named(*s2, "a"), s2->client("ck2")->application)->status, "BLOCKED");
  EXPECT_EQ(sub->status, "UNBLOCKED");  // what the first snapshot holds never changes

  ASSERT_TRUE(b.apply(domain::SubscriptionChange{"s1", std::nullopt, "app", "a"}));
  auto s3 = b.snapshot(3);
  EXPECT_EQ(s3->subscription(*api_named(*s3, "a"), s3->client("ck2")->application), nullptr);
}

TEST(SnapshotBuilder, RevocationsAreKeptUntilTheirTokensHaveExpired) {
  SnapshotBuilder b({});
  b.reset({}, {});
  ASSERT_TRUE(b.apply(domain::TokenRevoked{{"old", 1000}}));
  ASSERT_TRUE(b.apply(domain::TokenRevoked{{"new", 5000}}));
  EXPECT_TRUE(b.snapshot(1)->revoked("old"));
  b.prune_revoked(2000);
  auto s = b.snapshot(2);
  EXPECT_FALSE(s->revoked("old"));
  EXPECT_TRUE(s->revoked("new"));
}

TEST(SnapshotBuilder, APolicyChangeAsksForAFullLoad) {
  SnapshotBuilder b({});
  b.reset({}, {});
  EXPECT_FALSE(b.apply(domain::PoliciesChange{}));
}

TEST(SnapshotBuilder, RoutesOfAnApiWithManyNeighboursInItsBucketStayExact) {
  SnapshotBuilder b({});
  std::vector<domain::DeployedApi> apis;
  for (int i = 0; i < 50; ++i) apis.push_back(deployed("api" + std::to_string(i), "/shop/p" + std::to_string(i)));
  b.reset(apis, {});
  ASSERT_TRUE(b.apply(domain::ApiChange{"api7", std::nullopt, false}));
  auto s = b.snapshot(1);
  EXPECT_EQ(s->router().match("GET", "/shop/p7/1.0/items").status, MatchStatus::kNotFound);
  EXPECT_EQ(s->router().match("GET", "/shop/p8/1.0/items").api, api_named(*s, "api8"));
  EXPECT_EQ(s->router().bucket_count(), 1u);
}

TEST(SnapshotBuilder, CertificatesAreLookedUpByFingerprintAndApiAndReplacedWhole) {
  const auto dir = std::filesystem::temp_directory_path() / ("archway-sbcert-" + std::to_string(::getpid()));
  const crypto::TlsIdentity id = crypto::ensure_self_signed(dir.string());
  std::ifstream in(id.cert_file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove_all(dir);
  std::string error;
  const auto facts = crypto::read_pem_certificate(ss.str(), error);
  ASSERT_TRUE(facts) << error;
  const std::string fingerprint(reinterpret_cast<const char*>(facts->fingerprint.data()), facts->fingerprint.size());

  SnapshotBuilder b({});
  domain::SecurityState security;
  security.client_certificates.push_back({"api-1", "SANDBOX", "c1", "Unlimited", ss.str(), 0});
  security.endpoint_certificates.push_back({"e1", "https://backend.example:8443/v1", ss.str(), 0});
  b.reset({deployed("api-1", "/one")}, security);
  auto snap = b.snapshot(1);
  const ClientCertRuntime* c = snap->client_certificate(fingerprint, "api-1");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->sandbox);
  EXPECT_EQ(c->tier, "Unlimited");
  EXPECT_EQ(snap->client_certificate(fingerprint, "api-2"), nullptr);
  EXPECT_EQ(snap->client_certificate("", "api-1"), nullptr);
  EXPECT_NE(snap->backend_trust("https://backend.example:8443"), nullptr);
  EXPECT_EQ(snap->backend_trust("https://backend.example:9443"), nullptr);

  ASSERT_TRUE(b.apply(domain::CertificatesChange{}));
  auto after = b.snapshot(2);
  EXPECT_EQ(after->client_certificate(fingerprint, "api-1"), nullptr);
  EXPECT_EQ(after->backend_trust("https://backend.example:8443"), nullptr);
  EXPECT_NE(snap->client_certificate(fingerprint, "api-1"), nullptr);  // the old snapshot keeps its own
}

}  // namespace
}  // namespace archway::gateway
