// `archway serve` on PostgreSQL (store.url): a real server the test starts, the real binary on it,
// and the flows a user runs over HTTP. One PostgreSQL server per process (the suite runs as one
// CTest test, PostgresServe); the tests run in order and share its database.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "integration/fixture.h"
#include "support/postgres_server.h"

namespace archway::testing {
namespace {

class PostgresServe : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    if (!PostgresServer::missing().empty()) return;
    postgres_ = new PostgresServer();
    postgres_->create_database("archway_serve");
    data_dir_ = new std::string(make_temp_dir());
    server_ = new ServerProcess(on_postgres(*data_dir_));
    backend_ = new Backend();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete backend_;
    server_ = nullptr;
    backend_ = nullptr;
    delete postgres_;
    postgres_ = nullptr;
    if (data_dir_) std::filesystem::remove_all(*data_dir_);
    delete data_dir_;
    data_dir_ = nullptr;
  }
  void SetUp() override {
    if (!postgres_) GTEST_SKIP() << "PostgreSQL is not installed: missing " << PostgresServer::missing();
  }

  static std::string store_url() { return postgres_->url("archway_serve"); }
  // A node on the suite's database with its own data directory (the same one keeps master.key).
  static ServerOptions on_postgres(const std::string& data_dir) {
    ServerOptions o;
    o.data_dir = data_dir;
    o.extra_args = {"--set", "store.url=" + store_url(), "--set", "store.pool_wait_ms=1000"};
    return o;
  }
  static void restart() {
    delete server_;
    server_ = nullptr;
    server_ = new ServerProcess(on_postgres(*data_dir_));
  }

  inline static PostgresServer* postgres_ = nullptr;
  inline static std::string* data_dir_ = nullptr;
};

TEST_F(PostgresServe, AnApiIsPublishedDeployedSubscribedAndCalledThroughTheGateway) {
  const std::string api = secured_api("Weather", "/weather");
  Client c = application("WeatherApp");
  subscribe(c.app_id, api);
  EXPECT_EQ(wait_for_call("/weather/1.0.0/today", c.token, 200), 200);

  auto found = admin("GET", kApis + "?query=eathe");
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(json_of(found).at("count").as_int64(), 1) << found.body;
  auto subs = admin("GET", kDev + "/subscriptions?applicationId=" + c.app_id);
  ASSERT_EQ(subs.status, 200) << subs.body;
  EXPECT_EQ(json_of(subs).at("count").as_int64(), 1) << subs.body;
  // SQLite's file is not where the data went.
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(*data_dir_) / "archway.db"));
}

// The same bad requests, answered by a node on SQLite and by this one: the same status and
// problem code, never a 500.
TEST_F(PostgresServe, BadInputGetsTheSameProblemsAsOnSqlite) {
  ServerOptions lite;
  lite.extra_args = {"--set", "store.url="};  // SQLite, even under scripts/test-on-postgres.sh
  ServerProcess sqlite_node(lite);
  auto on = [](const ServerProcess& node, const std::string& method, const std::string& target,
               const std::string& body) {
    return HttpClient("127.0.0.1", node.management_port()).call(method, target, body, kAdmin, kPassword);
  };
  for (const ServerProcess* node : std::vector<const ServerProcess*>{server_, &sqlite_node}) {
    ASSERT_EQ(on(*node, "POST", kApis, api_body("Dup", "/dup")).status, 201);
    ASSERT_EQ(on(*node, "POST", kDev + "/applications", R"({"name":"DupApp","throttlingPolicy":"Unlimited"})").status,
              201);
  }
  struct Bad {
    std::string what, method, target, body;
  };
  const std::vector<Bad> bad = {
      {"the same context", "POST", kApis, api_body("Other", "/dup")},
      {"the same name and version", "POST", kApis, api_body("Dup", "/elsewhere")},
      {"the same context in another case", "POST", kApis, api_body("Third", "/DUP")},
      {"an application name taken", "POST", kDev + "/applications",
       R"({"name":"DupApp","throttlingPolicy":"Unlimited"})"},
      {"malformed JSON", "POST", kApis, R"({"name":)"},
      {"an unknown API", "GET", kApis + "/no-such-api", ""},
      {"a subscription to an unknown API", "POST", kDev + "/subscriptions",
       R"({"applicationId":"nope","apiId":"nope","throttlingPolicy":"Unlimited"})"},
      {"a search with an unclosed quote", "GET", kApis + "?query=name:%22open", ""},
      {"a search for bytes that are not UTF-8", "GET", kApis + "?query=%C3", ""},
  };
  for (const auto& b : bad) {
    const HttpResponse pg = on(*server_, b.method, b.target, b.body);
    const HttpResponse lite = on(sqlite_node, b.method, b.target, b.body);
    EXPECT_EQ(pg.status, lite.status) << b.what << "\nPostgreSQL: " << pg.body << "\nSQLite: " << lite.body;
    EXPECT_LT(pg.status, 500) << b.what << ": " << pg.body;
    if (lite.status >= 400) {
      ASSERT_TRUE(boost::json::parse(pg.body).is_object()) << b.what << ": " << pg.body;
      EXPECT_EQ(json_of(pg).at("code"), json_of(lite).at("code")) << b.what << ": " << pg.body;
    }
  }
  EXPECT_EQ(on(*server_, "POST", kApis, api_body("Other", "/dup")).status, 409);
}

// Another node on the same database (its own data directory, listeners and feed) serves what this
// one deploys: it follows the change log the first node appends to.
TEST_F(PostgresServe, AnApiDeployedOnOneNodeIsServedByAnotherOnTheSameDatabase) {
  const std::string other_dir = make_temp_dir();
  // Every node of one database holds the same master.key (the signing keys are sealed with it).
  std::filesystem::create_directories(other_dir);
  std::filesystem::copy_file(std::filesystem::path(*data_dir_) / "master.key",
                             std::filesystem::path(other_dir) / "master.key");
  ServerProcess other(on_postgres(other_dir));
  deployed_api(api_body("Shared", "/shared"), "/shared/1.0.0/x");
  HttpClient other_gateway("127.0.0.1", other.gateway_port());
  int status = 0;
  for (int i = 0; i < 500 && status != 200; ++i) {  // its feed polls the log: within seconds
    status = other_gateway.get("/shared/1.0.0/x").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200);
  other.stop();
  std::filesystem::remove_all(other_dir);
}

TEST_F(PostgresServe, WhatWasWrittenIsThereAfterARestart) {
  const std::string api = secured_api("Ledger", "/ledger");
  Client c = application("LedgerApp");
  subscribe(c.app_id, api);
  ASSERT_EQ(wait_for_call("/ledger/1.0.0/x", c.token, 200), 200);

  restart();
  auto got = admin("GET", kApis + "/" + api);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(str(json_of(got).at("lifeCycleStatus")), "PUBLISHED");
  auto app = admin("GET", kDev + "/applications/" + c.app_id);
  EXPECT_EQ(app.status, 200) << app.body;
  // The deployment, the subscription and the signing key came back from the database.
  EXPECT_EQ(wait_for_call("/ledger/1.0.0/x", c.token, 200), 200);
}

// Runs last: PostgreSQL stops under the running node, then comes back on the same port.
TEST_F(PostgresServe, ALostDatabaseAnswers503ProblemsAndTheNodeRecoversWhenItIsBack) {
  const std::string api = secured_api("Outage", "/outage");
  Client c = application("OutageApp");
  subscribe(c.app_id, api);
  ASSERT_EQ(wait_for_call("/outage/1.0.0/x", c.token, 200), 200);

  postgres_->stop();
  for (const auto& [method, target, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", kApis, ""},
           {"GET", kApis + "/" + api, ""},
           {"POST", kApis, api_body("DuringOutage", "/during")},
           {"POST", kDev + "/applications", R"({"name":"DuringOutage","throttlingPolicy":"Unlimited"})"}}) {
    const HttpResponse r = admin(method, target, body);
    EXPECT_EQ(r.status, 503) << method << " " << target << ": " << r.body;
    ASSERT_TRUE(boost::json::parse(r.body).is_object()) << r.body;
    EXPECT_EQ(json_of(r).at("code").as_int64(), 503) << r.body;
  }
  // The gateway keeps serving what it loaded.
  EXPECT_EQ(call("/outage/1.0.0/x", c.token).status, 200);

  postgres_->start();
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) {
    status = admin("GET", kApis + "/" + api).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200);
  EXPECT_EQ(admin("POST", kApis, api_body("AfterOutage", "/after")).status, 201);
  // Nothing of the refused writes was kept.
  auto during = admin("GET", kApis + "?query=name:DuringOutage");
  ASSERT_EQ(during.status, 200) << during.body;
  EXPECT_EQ(json_of(during).at("count").as_int64(), 0) << during.body;
}

}  // namespace
}  // namespace archway::testing
