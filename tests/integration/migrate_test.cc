// `archway migrate`: an all-in-one installation (SQLite) moved to a cluster's PostgreSQL database
// and back, with the real binary: records made over REST before, read back over REST after; and
// the refusals (a target with data, an unreachable target, a bad scheme, schemas that differ, a
// value the target refuses) that leave the target as it was.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "integration/fixture.h"
#include "store/postgres/pg_connection.h"
#include "support/postgres_server.h"

namespace archway::testing {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs statements on a SQLite file directly (to shape a source the copy must refuse).
void sqlite_exec(const std::string& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class Migrate : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    if (!PostgresServer::missing().empty()) return;
    postgres_ = new PostgresServer();
    backend_ = new Backend();
  }
  static void TearDownTestSuite() {
    delete backend_;
    backend_ = nullptr;
    delete postgres_;
    postgres_ = nullptr;
  }
  void SetUp() override {
    if (!postgres_) GTEST_SKIP() << "PostgreSQL is not installed: missing " << PostgresServer::missing();
  }
  void TearDown() override {
    delete server_;
    server_ = nullptr;
    for (const auto& d : dirs_) fs::remove_all(d);
  }

  std::string temp_dir() { return dirs_.emplace_back(make_temp_dir()); }
  static std::string database(const std::string& name) {
    postgres_->create_database(name);
    return postgres_->url(name);
  }

  static int migrate(const std::vector<std::string>& args, std::string& output) {
    std::vector<std::string> all = {"migrate"};
    all.insert(all.end(), args.begin(), args.end());
    return run_archway(all, {}, output, 120000);
  }

  // A small SQLite installation written by `archway bulk-load`: APIs, applications, subscriptions.
  std::string small_installation(int apis = 3) {
    const std::string dir = temp_dir();
    std::string out;
    EXPECT_EQ(run_archway({"bulk-load", "-d", dir, "--apis", std::to_string(apis), "--applications", "2",
                           "--subscriptions", "2"},
                          {}, out),
              0)
        << out;
    return dir;
  }

  static std::int64_t pg_value(const std::string& url, const std::string& sql) {
    store::postgres::PgConnection conn(store::postgres::PgOptions{url});
    auto s = conn.prepare(sql);
    EXPECT_TRUE(s.step()) << sql;
    return s.integer(0);
  }

  // How many rows each table of the database holds (every table but the migrations' own).
  static std::map<std::string, std::int64_t> pg_counts(const std::string& url) {
    store::postgres::PgConnection conn(store::postgres::PgOptions{url});
    std::vector<std::string> tables;
    auto s = conn.prepare(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE'");
    while (s.step()) tables.push_back(s.text(0));
    std::map<std::string, std::int64_t> out;
    for (const auto& t : tables) {
      auto c = conn.prepare("SELECT COUNT(*) FROM " + t);
      c.step();
      out[t] = c.integer(0);
    }
    return out;
  }

  // The change-log revision the in-process gateway has applied (its /ready detail).
  std::int64_t gateway_revision() {
    auto r = gw().get("/ready");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json_of(r).at("revision").as_int64() : -1;
  }

  inline static PostgresServer* postgres_ = nullptr;
  std::vector<std::string> dirs_;
};

// The source's row count `archway migrate` printed for `table` (-1: no such line).
std::int64_t rows_in_report(const std::string& out, const std::string& table) {
  const std::size_t at = out.find("\n" + table + " ");
  if (at == std::string::npos) return -1;
  std::istringstream line(out.substr(at + 1, out.find('\n', at + 1) - at - 1));
  std::string name;
  std::int64_t source = -1;
  line >> name >> source;
  return source;
}

// What a GET route answered: status, content type and the exact body.
struct Answer {
  int status = 0;
  std::string content_type;
  std::string body;
  bool operator==(const Answer&) const = default;
};

TEST_F(Migrate, SqliteInstallationMovesToPostgresWithEveryRecordIntact) {
  const std::string old_dir = temp_dir();
  const std::string routes_file = old_dir + "-routes.txt";
  dirs_.push_back(routes_file);
  {
    ServerOptions o;
    o.data_dir = old_dir;
    o.extra_args = {"--set", "store.url=", "--routes-file", routes_file};
    server_ = new ServerProcess(o);
  }

  // ---- One of every kind of record, made over REST on SQLite ----
  std::map<std::string, std::string> ids;  // route parameter -> the record it names
  const std::string api = secured_api("Inventory", "/inventory");
  ids["{apiId}"] = api;
  const std::string stock = secured_api("Stock", "/stock");
  ids["{revisionId}"] = str(json_of(admin("GET", kApis + "/" + api + "/revisions")).at("list").as_array()[0].at("id"));
  ASSERT_EQ(admin_upload("PUT", kApis + "/" + api + "/thumbnail", {{"file", kPng, "logo.png", "image/png"}}).status, 200);
  auto doc = admin("POST", kApis + "/" + api + "/documents",
                   R"({"name":"Spec","type":"API_MESSAGE_FORMAT","sourceType":"FILE","summary":"bytes"})");
  ASSERT_EQ(doc.status, 201) << doc.body;
  ids["{documentId}"] = str(json_of(doc)["documentId"]);
  static constexpr char kBinary[] = "%PDF-1.7\n\0\x01\x02\xff\xfe binary \0 end";
  const std::string binary(kBinary, sizeof kBinary - 1);
  ASSERT_EQ(admin_upload("POST", kApis + "/" + api + "/documents/" + ids["{documentId}"] + "/content",
                         {{"file", binary, "format.pdf", "application/pdf"}})
                .status,
            201);
  ASSERT_EQ(admin("POST", kApis + "/" + api + "/documents",
                  R"({"name":"Guide","type":"HOWTO","sourceType":"MARKDOWN","inlineContent":"# Guide\nüñí"})")
                .status,
            201);
  auto comment = admin("POST", kApis + "/" + api + "/comments", R"({"content":"First"})");
  ASSERT_EQ(comment.status, 201) << comment.body;
  ids["{commentId}"] = str(json_of(comment)["id"]);
  ASSERT_EQ(admin("POST", kApis + "/" + api + "/comments?replyTo=" + ids["{commentId}"], R"({"content":"Reply"})").status,
            201);
  ASSERT_EQ(admin("PUT", kDev + "/apis/" + api + "/user-rating", R"({"rating":4})").status, 200);

  auto product = admin("POST", "/api/am/publisher/v4/api-products",
                       R"({"name":"Shop","context":"/shop","policies":["Unlimited"],"apis":[{"apiId":")" + api +
                           R"(","operations":[{"target":"/*","verb":"GET"}]},{"apiId":")" + stock +
                           R"(","operations":[{"target":"/*","verb":"POST"}]}]})");
  ASSERT_EQ(product.status, 201) << product.body;
  ids["{apiProductId}"] = str(json_of(product)["id"]);

  Client client = application("Storefront");
  ids["{applicationId}"] = client.app_id;
  ids["{keyMappingId}"] = client.key_mapping_id;
  ids["{keyType}"] = "PRODUCTION";
  ids["{subscriptionId}"] = subscribe(client.app_id, api);
  auto api_key = admin("POST", kDev + "/applications/" + client.app_id + "/api-keys/PRODUCTION/generate", "");
  ASSERT_EQ(api_key.status, 200) << api_key.body;
  // A token to revoke: it must stay refused after the move.
  Client revoked = application("Revoked");
  subscribe(revoked.app_id, api);
  ASSERT_EQ(form("/oauth2/revoke", "token=" + revoked.token, revoked.consumer_key, revoked.consumer_secret).status, 200);

  ids["{policyLevel}"] = "subscription";
  ids["{policyId}"] = subscription_tier("Platinum", 9000);
  auto app_policy = admin("POST", "/api/am/admin/v4/throttling/policies/application",
                          R"({"policyName":"5PerMin","defaultLimit":{"type":"REQUESTCOUNTLIMIT",)"
                          R"("requestCount":{"timeUnit":"min","unitTime":1,"requestCount":5}}})");
  ASSERT_EQ(app_policy.status, 201) << app_policy.body;
  auto advanced = admin(
      "POST", "/api/am/admin/v4/throttling/policies/advanced",
      R"({"policyName":"Office","description":"d","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":1000}},)"
      R"("conditionalGroups":[{"description":"office","conditions":[{"type":"IPCONDITION","invertCondition":false,"ipCondition":{"ipConditionType":"IPRANGE","startingIP":"10.0.0.1","endingIP":"10.0.0.255"}}],)"
      R"("limit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":100}}}]})");
  ASSERT_EQ(advanced.status, 201) << advanced.body;
  auto custom = admin("POST", "/api/am/admin/v4/throttling/policies/custom",
                      R"({"policyName":"PerUser","description":"test","keyTemplate":"$userId",)"
                      R"("condition":{"apiContext":"/inventory"},"limit":{"requestCount":50,"timeUnit":"min","unitTime":1}})");
  ASSERT_EQ(custom.status, 201) << custom.body;
  ids["{ruleId}"] = str(json_of(custom)["policyId"]);
  auto deny = admin("POST", "/api/am/admin/v4/throttling/deny-policies",
                    R"({"conditionType":"USER","conditionValue":"mallory","conditionStatus":true})");
  ASSERT_EQ(deny.status, 201) << deny.body;
  ids["{conditionId}"] = str(json_of(deny)["conditionId"]);

  auto service = admin_form(
      "POST", "/api/am/service-catalog/v1/services",
      Multipart()
          .field("serviceMetadata",
                 R"({"name":"Pets","version":"v1","serviceUrl":"http://backend.example:8080/pets","definitionType":"OAS3"})",
                 "application/json")
          .file("definitionFile", "pets.yaml",
                "openapi: 3.0.1\ninfo:\n  title: Pets\n  version: 1.0.0\npaths:\n  /pets:\n    get:\n      responses:\n"
                "        '200':\n          description: the pets\n",
                "application/yaml"));
  ASSERT_EQ(service.status, 201) << service.body;
  ids["{serviceId}"] = str(json_of(service)["id"]);
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users", R"({"username":"carol","password":"password-123","roles":["creator"]})").status,
            201);
  ids["{username}"] = "carol";
  auto scope = admin("POST", "/api/am/publisher/v4/scopes",
                     R"({"name":"inventory:read","displayName":"Read","description":"reads","bindings":["admin"]})");
  ASSERT_EQ(scope.status, 201) << scope.body;
  ids["{scopeId}"] = str(json_of(scope)["id"]);
  ids["{scopeName}"] = "inventory:read";
  auto env = admin("POST", "/api/am/admin/v4/environments",
                   R"({"name":"staging","displayName":"Staging","description":"pre-production",)"
                   R"("vhosts":[{"host":"staging.example.com","httpContext":"","httpPort":8080,"httpsPort":8443}]})");
  ASSERT_EQ(env.status, 201) << env.body;
  ids["{envId}"] = ids["{environmentId}"] = str(json_of(env)["id"]);
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/gateways",
                  R"({"name":"edge-1","displayName":"Edge 1","vhost":"https://edge-1.example.com:9443"})")
                .status,
            201);
  ASSERT_EQ(admin("PUT", "/api/am/admin/v4/settings/linter-custom-rules",
                  R"({"extends":["spectral:oas"],"rules":{}})")
                .status,
            200);
  auto category = admin("POST", "/api/am/admin/v4/api-categories", R"({"name":"Retail","description":"shops"})");
  ASSERT_EQ(category.status, 201) << category.body;
  ids["{apiCategoryId}"] = str(json_of(category)["id"]);
  auto label = admin("POST", "/api/am/admin/v4/labels", R"({"name":"Health","description":"health"})");
  ASSERT_EQ(label.status, 201) << label.body;
  ids["{labelId}"] = str(json_of(label)["id"]);
  ASSERT_EQ(admin("PUT", "/api/am/admin/v4/system-scopes/role-aliases",
                  R"({"list":[{"role":"Internal/publisher","aliases":["creator"]}]})")
                .status,
            200);

  // An external key manager (its JWKS served by the test's backend) and a task waiting for approval.
  backend_->serve_static("/idp-jwks", admin("GET", "/oauth2/jwks").body);
  auto km = admin("POST", "/api/am/admin/v4/key-managers",
                  R"({"name":"Corporate","type":"Okta","issuer":"https://idp.example.com","certificates":{"type":"JWKS","value":")" +
                      backend_->url("/idp-jwks") + R"("},"consumerKeyClaim":"cid","scopesClaim":"scp"})");
  ASSERT_EQ(km.status, 201) << km.body;
  ids["{keyManagerId}"] = str(json_of(km)["id"]);
  ASSERT_EQ(admin("PUT", "/api/am/admin/v4/workflow-config",
                  R"({"list":[{"workflowType":"AM_APPLICATION_CREATION","approvalRequired":true}]})")
                .status,
            200);
  auto waiting = admin("POST", kDev + "/applications", R"({"name":"Awaiting","throttlingPolicy":"Unlimited"})");
  ASSERT_EQ(waiting.status, 201) << waiting.body;
  ASSERT_EQ(admin("PUT", "/api/am/admin/v4/workflow-config",
                  R"({"list":[{"workflowType":"AM_APPLICATION_CREATION","approvalRequired":false}]})")
                .status,
            200);

  // Calls through the gateway with the token the application got before the move.
  EXPECT_EQ(wait_for_call("/inventory/1.0.0/items", client.token, 200), 200);
  EXPECT_EQ(call("/inventory/1.0.0/items", revoked.token).status, 401);

  // ---- Every GET route the server has whose parameters name a record above ----
  std::vector<std::string> targets;
  for (const auto& [method, pattern] : read_routes_file(routes_file)) {
    if (method != "GET" || pattern == "/" || pattern == "/metrics" || pattern.find("/analytics/") != std::string::npos ||
        pattern.find("export") != std::string::npos || pattern.find("{path...}") != std::string::npos ||
        pattern.starts_with("/oauth2/authorize"))
      continue;
    std::string target = pattern;
    bool known = true;
    for (std::size_t open; known && (open = target.find('{')) != std::string::npos;) {
      const std::string param = target.substr(open, target.find('}', open) + 1 - open);
      auto it = ids.find(param);
      if (it == ids.end()) known = false;
      else target.replace(open, param.size(), it->second);
    }
    if (known) targets.push_back(target);
  }
  // Searches go through the trigram index (fts5 on SQLite, pg_trgm on PostgreSQL).
  for (const char* search : {"/api/am/publisher/v4/apis?query=nvento", "/api/am/publisher/v4/apis?query=name:Stock",
                             "/api/am/publisher/v4/search?query=Inventory", "/api/am/devportal/v3/apis?query=tock"})
    targets.push_back(search);
  ASSERT_GT(targets.size(), 100u);
  auto read_all = [&] {
    std::map<std::string, Answer> out;
    for (const auto& t : targets) {
      auto r = admin("GET", t);
      out[t] = Answer{r.status, r.header("content-type"), r.body};
    }
    return out;
  };
  const auto before = read_all();
  int ok = 0;
  for (const auto& [t, a] : before) ok += a.status == 200;
  EXPECT_GT(ok, 90) << "too few routes answered 200 to show the records came across";
  const std::int64_t revision_before = gateway_revision();
  ASSERT_GT(revision_before, 0);
  const std::vector<std::string> same_ports = {
      "--set", "management.http_port=" + std::to_string(server_->management_port()),
      "--set", "management.https_port=" + std::to_string(server_->management_tls_port()),
      "--set", "gateway.http_port=" + std::to_string(server_->gateway_port()),
      "--set", "gateway.https_port=" + std::to_string(server_->gateway_tls_port())};
  ASSERT_EQ(server_->stop(), 0);
  delete server_;
  server_ = nullptr;

  // ---- The move ----
  const std::string url = database("cluster");
  const std::string source_file = old_dir + "/archway.db";
  const std::string source_bytes = read_file(source_file);
  std::string out;
  ASSERT_EQ(migrate({"--from", "sqlite:" + old_dir, "--to", url}, out), 0) << out;
  EXPECT_EQ(read_file(source_file), source_bytes) << "the source was modified";
  EXPECT_NE(out.find("the change log continues after revision " + std::to_string(revision_before)), std::string::npos)
      << out;
  for (const char* table : {"apis", "api_documents", "api_thumbnails", "signing_keys", "application_keys",
                            "subscriptions", "throttle_policies", "catalog_services", "users", "shared_scopes",
                            "gateway_environments", "platform_gateways", "server_settings", "api_keys",
                            "revoked_tokens", "change_log", "api_comments", "key_managers", "workflows"})
    EXPECT_GT(rows_in_report(out, table), 0) << table << " copied no row:\n" << out;
  EXPECT_EQ(out.find("DIFFERENT"), std::string::npos) << out;
  EXPECT_NE(out.find("Carry " + old_dir + "/master.key"), std::string::npos) << out;

  // A node of the cluster: a data directory of its own with only the master key carried over, on
  // the ports the SQLite node had (the Default environment's URLs name them).
  const std::string new_dir = temp_dir();
  fs::copy_file(old_dir + "/master.key", new_dir + "/master.key");
  {
    ServerOptions o;
    o.data_dir = new_dir;
    o.extra_args = {"--set", "store.url=" + url};
    o.extra_args.insert(o.extra_args.end(), same_ports.begin(), same_ports.end());
    server_ = new ServerProcess(o);
  }
  EXPECT_FALSE(fs::exists(new_dir + "/archway.db"));
  EXPECT_EQ(gateway_revision(), revision_before);

  // Every record reads back as it did.
  const auto after = read_all();
  for (const auto& [t, a] : before) {
    const Answer& b = after.at(t);
    EXPECT_EQ(b.status, a.status) << "GET " << t << "\nbefore: " << a.body << "\nafter:  " << b.body;
    EXPECT_EQ(b.content_type, a.content_type) << "GET " << t;
    EXPECT_EQ(b.body, a.body) << "GET " << t;
  }
  EXPECT_EQ(admin("GET", kApis + "/" + api + "/documents/" + ids["{documentId}"] + "/content").body, binary);
  EXPECT_EQ(admin("GET", kApis + "/" + api + "/thumbnail").body, kPng);

  // The token issued on SQLite still calls the API (same signing key, key mapping, subscription);
  // the revoked one stays refused.
  EXPECT_EQ(call("/inventory/1.0.0/items", client.token).status, 200);
  EXPECT_EQ(call("/inventory/1.0.0/items", revoked.token).status, 401);
  auto token = form("/oauth2/token", "grant_type=client_credentials", client.consumer_key, client.consumer_secret);
  ASSERT_EQ(token.status, 200) << token.body;

  // New writes take fresh numbers (sequences continued), and the change log goes on from where
  // it was: the first new event is the next revision.
  const std::string fresh = secured_api("Fresh", "/fresh");
  ASSERT_EQ(admin("POST", kApis + "/" + api + "/comments", R"({"content":"After the move"})").status, 201);
  Client late = application("Late");
  subscribe(late.app_id, fresh);
  EXPECT_EQ(wait_for_call("/fresh/1.0.0/x", late.token, 200), 200);
  EXPECT_EQ(pg_value(url, "SELECT MIN(revision) FROM change_log WHERE revision > " + std::to_string(revision_before)),
            revision_before + 1);
  EXPECT_GT(gateway_revision(), revision_before);
  const auto listed_before = boost::json::parse(before.at(kApis).body).as_object();
  EXPECT_EQ(json_of(admin("GET", kApis)).at("count").as_int64(), listed_before.at("count").as_int64() + 1);
}

TEST_F(Migrate, TargetHoldingDataIsRefusedAndLeftUnchanged) {
  const std::string url = database("taken");
  std::string out;
  ASSERT_EQ(migrate({"--from", "sqlite:" + small_installation(2), "--to", url}, out), 0) << out;
  const auto counts = pg_counts(url);
  ASSERT_EQ(counts.at("apis"), 2);

  const std::string other = small_installation(5);
  EXPECT_EQ(migrate({"--from", "sqlite:" + other, "--to", url}, out), 1) << out;
  EXPECT_NE(out.find("already holds data: apis (2 rows)"), std::string::npos) << out;
  EXPECT_NE(out.find("--overwrite"), std::string::npos) << out;
  EXPECT_EQ(pg_counts(url), counts);

  // --overwrite replaces it whole.
  ASSERT_EQ(migrate({"--from", "sqlite:" + other, "--to", url, "--overwrite"}, out), 0) << out;
  EXPECT_EQ(pg_counts(url).at("apis"), 5);
}

TEST_F(Migrate, UnreachableTargetIsAClearErrorThatHidesThePassword) {
  std::string out;
  const std::string url = "postgresql://archway:s3cret-pw@127.0.0.1:" + std::to_string(postgres_->port() + 1) + "/none";
  EXPECT_EQ(migrate({"--from", "sqlite:" + small_installation(), "--to", url}, out), 1) << out;
  EXPECT_NE(out.find("cannot open the target postgresql://archway:***@127.0.0.1"), std::string::npos) << out;
  EXPECT_EQ(out.find("s3cret-pw"), std::string::npos) << out;
}

TEST_F(Migrate, MissingSourceIsAClearError) {
  std::string out;
  EXPECT_EQ(migrate({"--from", "sqlite:/nonexistent/archway.db", "--to", database("nosource")}, out), 1) << out;
  EXPECT_NE(out.find("the source '/nonexistent/archway.db' is not a file"), std::string::npos) << out;
}

TEST_F(Migrate, UnknownSchemeOrTwoEndsOfOneKindAreUsageErrors) {
  std::string out;
  EXPECT_EQ(migrate({"--from", "mysql://root@localhost/archway", "--to", postgres_->url("x")}, out), 2) << out;
  EXPECT_NE(out.find("--from: 'mysql://root@localhost/archway' is neither sqlite:PATH nor a postgresql:// URL"),
            std::string::npos)
      << out;
  EXPECT_EQ(migrate({"--from", "sqlite:/tmp/a.db", "--to", "sqlite:/tmp/b.db"}, out), 2) << out;
  EXPECT_NE(out.find("one SQLite file and one PostgreSQL database"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists("/tmp/b.db"));
  EXPECT_NE(migrate({"--from", "sqlite:/tmp/a.db"}, out), 0) << out;
  EXPECT_NE(out.find("--to is required"), std::string::npos) << out;
}

// The copy follows the schemas, not a list: a table or column the target does not have stops it
// before anything is written.
TEST_F(Migrate, TableOrColumnUnknownToTheTargetStopsTheCopy) {
  const std::string url = database("schemas");
  const std::string extra_table = small_installation();
  sqlite_exec(extra_table + "/archway.db", "CREATE TABLE plugin_state (id TEXT PRIMARY KEY, value TEXT)");
  std::string out;
  EXPECT_EQ(migrate({"--from", "sqlite:" + extra_table, "--to", url}, out), 1) << out;
  EXPECT_NE(out.find("tables only in SQLite: plugin_state"), std::string::npos) << out;

  const std::string extra_column = small_installation();
  sqlite_exec(extra_column + "/archway.db", "ALTER TABLE apis ADD COLUMN owner_team TEXT");
  EXPECT_EQ(migrate({"--from", "sqlite:" + extra_column, "--to", url}, out), 1) << out;
  EXPECT_NE(out.find("apis.owner_team is only in SQLite"), std::string::npos) << out;
  EXPECT_EQ(pg_counts(url).at("apis"), 0);
}

// A server still serving from the source would take writes the copy misses.
TEST_F(Migrate, SourceStillServedByARunningServerIsRefused) {
  const std::string dir = small_installation();
  ServerOptions o;
  o.data_dir = dir;
  o.extra_args = {"--set", "store.url="};
  server_ = new ServerProcess(o);
  const std::string url = database("live");
  std::string out;
  EXPECT_EQ(migrate({"--from", "sqlite:" + dir, "--to", url}, out), 1) << out;
  EXPECT_NE(out.find("an archway process (pid " + std::to_string(server_->pid()) + ") is running on " + dir),
            std::string::npos)
      << out;
  EXPECT_EQ(pg_value(url, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'apis'"), 0);
  ASSERT_EQ(server_->stop(), 0);
  EXPECT_EQ(migrate({"--from", "sqlite:" + dir, "--to", url}, out), 0) << out;
}

TEST_F(Migrate, SourceOfAnOlderReleaseIsRefusedWithTheWayForward) {
  const std::string source = small_installation();
  sqlite_exec(source + "/archway.db", "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)");
  std::string out;
  EXPECT_EQ(migrate({"--from", "sqlite:" + source, "--to", database("older")}, out), 1) << out;
  EXPECT_NE(out.find("run this release's `archway serve` on the source once"), std::string::npos) << out;
}

// A value the copy cannot carry faithfully (text in an integer column) fails it half-way: the
// tables already written are rolled back with it.
TEST_F(Migrate, FailureHalfWayLeavesTheTargetAsItWas) {
  const std::string url = database("halfway");
  const std::string source = small_installation();
  sqlite_exec(source + "/archway.db", "UPDATE api_deployments SET deployed_time = 'yesterday'");
  std::string out;
  EXPECT_EQ(migrate({"--from", "sqlite:" + source, "--to", url}, out), 1) << out;
  EXPECT_NE(out.find("api_deployments.deployed_time holds a text value where the schema says integer"),
            std::string::npos)
      << out;
  for (const auto& [table, rows] : pg_counts(url)) {
    if (table != "schema_migrations" && table != "throttle_policies" && table != "system_scope_roles") {
      EXPECT_EQ(rows, 0) << table;
    }
  }
  // Fixed, the same target takes it.
  sqlite_exec(source + "/archway.db", "UPDATE api_deployments SET deployed_time = 1");
  EXPECT_EQ(migrate({"--from", "sqlite:" + source, "--to", url}, out), 0) << out;
}

// The copy reads every table back before it commits: a target that stores something else than it
// was given (here a trigger that renames APIs) is reported table by table and rolled back.
TEST_F(Migrate, RowsThatReadBackDifferentlyAreReportedAndRolledBack) {
  const std::string url = database("altered");
  const std::string source = small_installation(2);
  std::string out;
  ASSERT_EQ(migrate({"--from", "sqlite:" + source, "--to", url}, out), 0) << out;
  const auto counts = pg_counts(url);
  {
    store::postgres::PgConnection conn(store::postgres::PgOptions{url});
    conn.exec(
        "CREATE FUNCTION rename_api() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := NEW.name || '!'; "
        "RETURN NEW; END $$; CREATE TRIGGER rename_api BEFORE INSERT ON apis FOR EACH ROW EXECUTE FUNCTION rename_api()");
  }
  EXPECT_EQ(migrate({"--from", "sqlite:" + source, "--to", url, "--overwrite"}, out), 1) << out;
  EXPECT_NE(out.find("DIFFERENT"), std::string::npos) << out;
  EXPECT_NE(out.find("rolled back"), std::string::npos) << out;
  EXPECT_EQ(pg_counts(url), counts);
  EXPECT_EQ(pg_value(url, "SELECT COUNT(*) FROM apis WHERE name LIKE '%!'"), 0);
}

// The way back: a PostgreSQL database into a new SQLite file that `archway serve` then runs on.
TEST_F(Migrate, PostgresDatabaseMovesBackToSqlite) {
  const std::string url = database("back");
  std::string out;
  ASSERT_EQ(migrate({"--from", "sqlite:" + small_installation(4), "--to", url}, out), 0) << out;
  const std::string dir = temp_dir();
  auto pg_exec = [&](const std::string& sql) {
    store::postgres::PgConnection conn(store::postgres::PgOptions{url});
    conn.exec(sql);
  };
  // Refused (a table SQLite's schema lacks): the file it would have written is not left behind.
  pg_exec("CREATE TABLE plugin_state (id TEXT PRIMARY KEY)");
  EXPECT_EQ(migrate({"--from", url, "--to", "sqlite:" + dir}, out), 1) << out;
  EXPECT_NE(out.find("tables only in PostgreSQL: plugin_state"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir + "/archway.db"));
  pg_exec("DROP TABLE plugin_state");
  ASSERT_EQ(migrate({"--from", url, "--to", "sqlite:" + dir}, out), 0) << out;
  EXPECT_EQ(out.find("DIFFERENT"), std::string::npos) << out;
  const std::int64_t copied = pg_value(url, "SELECT MAX(revision) FROM change_log");
  EXPECT_NE(out.find("continues after revision " + std::to_string(copied)), std::string::npos) << out;
  ServerOptions o;
  o.data_dir = dir;
  o.extra_args = {"--set", "store.url="};
  server_ = new ServerProcess(o);
  EXPECT_EQ(json_of(admin("GET", kApis)).at("count").as_int64(), 4);
  // Its first start adds the admin user, signing key and portal clients after the copied events.
  const std::int64_t revision = gateway_revision();
  EXPECT_GT(revision, copied);
  secured_api("Back", "/back");
  EXPECT_GT(gateway_revision(), revision);
}

}  // namespace
}  // namespace archway::testing
