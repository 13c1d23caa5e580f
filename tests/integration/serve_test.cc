// `archway serve` as a process: start-up, configuration errors, first-start admin, TLS, shutdown.
#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/config.h"
#include "support/backend.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace archway::testing {
namespace {

namespace fs = std::filesystem;

TEST(Serve, HealthAnswersOnAllFourListeners) {
  ServerProcess s;
  EXPECT_EQ(HttpClient("127.0.0.1", s.management_port()).get("/health").status, 200);
  EXPECT_EQ(HttpClient("127.0.0.1", s.gateway_port()).get("/health").status, 200);
  EXPECT_EQ(HttpClient("127.0.0.1", s.management_tls_port(), true).get("/health").status, 200);
  EXPECT_EQ(HttpClient("127.0.0.1", s.gateway_tls_port(), true).get("/health").status, 200);
  EXPECT_TRUE(fs::exists(s.data_dir() + "/tls/server.crt"));
  EXPECT_TRUE(fs::exists(s.data_dir() + "/archway.db"));
}

TEST(Serve, FirstStartGeneratesAdminPasswordIntoPrivateFile) {
  ServerOptions o;
  o.admin_password = "";
  ServerProcess s(o);
  const std::string file = s.data_dir() + "/initial-admin-password";
  ASSERT_TRUE(fs::exists(file));
  struct stat st{};
  stat(file.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::string password;
  std::ifstream(file) >> password;
  EXPECT_GE(password.size(), 16u);
  EXPECT_NE(s.output().find(password), std::string::npos);  // printed once
  HttpClient c("127.0.0.1", s.management_port());
  EXPECT_EQ(c.call("GET", "/api/am/publisher/v4/apis", "", "admin", password).status, 200);
  EXPECT_EQ(c.call("GET", "/api/am/publisher/v4/apis", "", "admin", "wrong").status, 401);
}

TEST(Serve, PasswordFromEnvironmentAndNoPasswordFile) {
  ServerProcess s;  // ARCHWAY_ADMIN_PASSWORD=test-admin-pw
  EXPECT_FALSE(fs::exists(s.data_dir() + "/initial-admin-password"));
  HttpClient c("127.0.0.1", s.management_port());
  EXPECT_EQ(c.call("GET", "/api/am/publisher/v4/apis", "", "admin", "test-admin-pw").status, 200);
}

TEST(Serve, DataSurvivesARestart) {
  const std::string dir = make_temp_dir() + "/data";
  std::string id;
  {
    ServerOptions o;
    o.data_dir = dir;
    ServerProcess s(o);
    auto r = HttpClient("127.0.0.1", s.management_port())
                 .call("POST", "/api/am/publisher/v4/apis",
                       R"({"name":"Keep","context":"/keep","version":"1"})", "admin", "test-admin-pw");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(s.stop(), 0);
  }
  ServerOptions o;
  o.data_dir = dir;
  o.admin_password = "ignored-now";
  ServerProcess s(o);
  auto r = HttpClient("127.0.0.1", s.management_port())
               .call("GET", "/api/am/publisher/v4/apis", "", "admin", "test-admin-pw");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Keep"), std::string::npos);
}

TEST(Serve, UnknownConfigKeyStopsTheStartNamingIt) {
  const std::string dir = make_temp_dir();
  std::ofstream(dir + "/archway.toml") << "[gateway]\nhttp_prot = 9\n";
  std::string out;
  int rc = run_archway({"serve", "--data-dir", dir + "/data", "--config", dir + "/archway.toml"}, {}, out);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("gateway.http_prot"), std::string::npos) << out;
}

TEST(Serve, TheShippedExampleConfigurationStartsAndNamesEveryKey) {
  const std::string example = std::string(ARCHWAY_SOURCE_DIR) + "/archway.toml.example";
  std::ifstream in(example);
  ASSERT_TRUE(in) << example;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Each key appears as "name =" in its section, set or commented out.
  for (const std::string& key : common::config_keys()) {
    const std::size_t dot = key.find('.');
    if (dot == std::string::npos) continue;
    const std::string section = "[" + key.substr(0, dot) + "]";
    const std::size_t at = text.find(section);
    ASSERT_NE(at, std::string::npos) << section << " is missing from archway.toml.example";
    const std::size_t end = text.find("\n[", at + 1);
    const std::string body = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    EXPECT_NE(body.find(key.substr(dot + 1) + " ="), std::string::npos) << key << " is missing from archway.toml.example";
  }
  ServerOptions o;
  o.extra_args = {"--config", example};
  ServerProcess s(o);  // the test's own data directory and free ports override the file's
  EXPECT_EQ(HttpClient("127.0.0.1", s.gateway_port()).get("/health").status, 200);
  EXPECT_EQ(HttpClient("127.0.0.1", s.management_tls_port(), true).get("/health").status, 200);
}

TEST(Serve, AnUnreachablePostgresqlStoreStopsTheStartNamingTheKeyWithoutThePassword) {
  const std::string dir = make_temp_dir();
  std::string out;
  const int rc = run_archway(
      {"serve", "--data-dir", dir + "/data", "--set", "store.url=postgresql://archway:secretpw@127.0.0.1:1/a"}, {},
      out);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("store.url"), std::string::npos) << out;
  EXPECT_NE(out.find("cannot connect"), std::string::npos) << out;
  EXPECT_EQ(out.find("secretpw"), std::string::npos) << "the password was printed: " << out;
  EXPECT_FALSE(std::filesystem::exists(dir + "/data/archway.db")) << "it fell back to SQLite";
}

TEST(Serve, StoreUrlOfAnotherSchemeStopsTheStartNamingTheKey) {
  std::string out;
  const int rc = run_archway({"serve", "--data-dir", make_temp_dir()}, {{"ARCHWAY_STORE_URL", "mysql://root:pw@db/a"}}, out);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("store.url"), std::string::npos) << out;
  EXPECT_EQ(out.find(":pw@"), std::string::npos) << "the password was printed: " << out;
}

TEST(Serve, InvalidEnvironmentValueStopsTheStartNamingIt) {
  std::string out;
  int rc = run_archway({"serve", "--data-dir", make_temp_dir()}, {{"ARCHWAY_GATEWAY_HTTP_PORT", "http"}}, out);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("gateway.http_port"), std::string::npos) << out;
}

TEST(Serve, HelpExplainsTheRoles) {
  std::string out;
  EXPECT_EQ(run_archway({"--help"}, {}, out), 0);
  EXPECT_NE(out.find("serve"), std::string::npos);
  EXPECT_NE(out.find("Roles"), std::string::npos);
}

TEST(Serve, VersionAndBareCommandPrintWhoItIsAndServeHelpShowsDefaults) {
  std::string out;
  EXPECT_EQ(run_archway({"--version"}, {}, out), 0);
  EXPECT_EQ(out.rfind("archway ", 0), 0u) << out;
  EXPECT_NE(out.find('.'), std::string::npos) << out;
  const std::string version = out.substr(0, out.find('\n'));
  EXPECT_EQ(run_archway({}, {}, out), 0) << out;
  EXPECT_NE(out.find(version), std::string::npos) << out;
  EXPECT_NE(out.find("serve"), std::string::npos) << out;
  EXPECT_EQ(run_archway({"serve", "--help"}, {}, out), 0);
  for (const auto& k : common::config_key_docs()) {
    const std::size_t at = out.find(k.name + " ");
    ASSERT_NE(at, std::string::npos) << k.name << " missing from serve --help";
    const std::string line = out.substr(at, out.find('\n', at) - at);
    EXPECT_NE(line.find(k.default_value), std::string::npos) << line;
  }
}

TEST(Serve, TheAuditLogNamesWhoWroteWhatFromWhereAndTheRefusedCalls) {
  ServerProcess s;
  HttpClient m("127.0.0.1", s.management_port());
  const auto created = m.call("POST", "/api/am/admin/v4/api-categories", R"({"name":"Audited"})", "admin",
                              "test-admin-pw");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(m.call("GET", "/api/am/admin/v4/api-categories", "", "admin", "wrong").status, 401);
  EXPECT_EQ(m.call("GET", "/api/am/admin/v4/api-categories", "", "admin", "test-admin-pw").status, 200);
  const std::string log = s.output();
  EXPECT_NE(log.find("audit: write POST /api/am/admin/v4/api-categories by admin from 127.0.0.1: 201"),
            std::string::npos) << log;
  EXPECT_NE(log.find("audit: refused GET /api/am/admin/v4/api-categories by (anonymous) from 127.0.0.1: 401"),
            std::string::npos) << log;
  // Reads that succeed are not audited.
  EXPECT_EQ(log.find("audit: write GET"), std::string::npos) << log;
}

TEST(Serve, JsonLogsAreOneObjectALineWithTheMessageEscaped) {
  ServerOptions o;
  o.extra_args = {"--set", "server.log_format=json"};
  ServerProcess s(o);
  HttpClient m("127.0.0.1", s.management_port());
  // A path with a quote and a backslash ends up in the audit line's message.
  EXPECT_EQ(m.call("DELETE", "/api/am/admin/v4/api-categories/a%22b%5Cc", "", "admin", "nope").status, 401);
  s.stop();
  std::istringstream lines(s.output());
  std::string line;
  int objects = 0;
  bool audited = false;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    ASSERT_TRUE(v.is_object()) << line;
    const auto& o = v.as_object();
    EXPECT_TRUE(o.contains("time") && o.contains("level") && o.contains("message")) << line;
    ++objects;
    if (std::string_view(o.at("message").as_string()).starts_with("audit: refused DELETE")) audited = true;
  }
  EXPECT_GT(objects, 3);
  EXPECT_TRUE(audited) << s.output();
}

TEST(Serve, PortInUseFailsWithAClearMessage) {
  ServerProcess first;
  std::string out;
  int rc = run_archway({"serve", "--data-dir", make_temp_dir(), "--set",
                        "gateway.http_port=" + std::to_string(first.gateway_port()), "--set", "gateway.host=127.0.0.1",
                        "--set", "gateway.https_port=0", "--set", "management.http_port=0", "--set",
                        "management.https_port=0"},
                       {{"ARCHWAY_ADMIN_PASSWORD", "x"}}, out);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("cannot listen"), std::string::npos) << out;
}

TEST(Serve, AStartThatFailsOnAPortCreatesNothing) {
  ServerProcess first;
  const std::string data = make_temp_dir() + "/not-yet";
  std::string out;
  int rc = run_archway({"serve", "--data-dir", data, "--set",
                        "management.http_port=" + std::to_string(first.management_port()), "--set",
                        "management.host=127.0.0.1", "--set", "management.https_port=0", "--set",
                        "gateway.http_port=0", "--set", "gateway.https_port=0"},
                       {}, out);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("management HTTP"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(data)) << "the data directory was created by a start that failed";
  EXPECT_EQ(out.find("password"), std::string::npos) << out;
}

TEST(Serve, ASecondServerOnTheSameDataDirectoryNamesTheFirst) {
  ServerProcess first;
  ServerOptions o;
  o.data_dir = first.data_dir();
  ServerProcess second(o);
  EXPECT_EQ(HttpClient("127.0.0.1", second.gateway_port()).get("/health").status, 200);
  const std::string log = second.output();
  EXPECT_NE(log.find("another archway process (pid " + std::to_string(first.pid()) + ")"), std::string::npos) << log;
  EXPECT_EQ(first.output().find("another archway process"), std::string::npos);
}

TEST(Serve, SigtermFinishesRequestsInFlightThenExitsZero) {
  Backend backend;
  ServerProcess s;
  HttpClient m("127.0.0.1", s.management_port());
  auto r = m.call("POST", "/api/am/publisher/v4/apis",
                  R"({"name":"Slow","context":"/slow","version":"1","endpointConfig":{"endpoint_type":"http",)"
                  R"("production_endpoints":{"url":")" + backend.url() + R"("}},"operations":[{"target":"/*","verb":"GET","authType":"None"}]})",
                  "admin", "test-admin-pw");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = boost::json::parse(r.body).at("id").as_string().c_str();
  auto rev = m.call("POST", "/api/am/publisher/v4/apis/" + id + "/revisions", "{}", "admin", "test-admin-pw");
  const std::string rev_id = boost::json::parse(rev.body).at("id").as_string().c_str();
  ASSERT_EQ(m.call("POST", "/api/am/publisher/v4/apis/" + id + "/deploy-revision?revisionId=" + rev_id,
                   R"([{"name":"Default"}])", "admin", "test-admin-pw").status, 201);
  HttpClient g("127.0.0.1", s.gateway_port());
  for (int i = 0; i < 400 && g.get("/slow/1/status/200").status != 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  int status = 0;
  std::thread inflight([&] { status = HttpClient("127.0.0.1", s.gateway_port()).get("/slow/1/slow/700").status; });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(s.stop(), 0);
  inflight.join();
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace archway::testing
