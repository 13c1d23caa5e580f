// The gateway credential by mutual TLS (docs/deployment.md, "The gateway credential"): a control
// plane whose HTTPS management listener asks for client certificates issued by
// cluster.gateway_client_ca lets a gateway holding one (and no token) follow it and send it its
// analytics; a gateway whose certificate another CA signed, or that names no allowed gateway, hears
// 401 and says so in its log; management clients without a certificate use the HTTPS API as
// before; the token keeps working; a certificate and key that do not belong together, or files that
// cannot be read, stop the start with a message naming them.
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdlib>
#include <fstream>

#include "integration/fixture.h"
#include "integration/role_process.h"
#include "support/expired_certificate.h"

namespace archway::testing {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

constexpr const char* kToken = "mtls-test-gateway-token";
const std::string kHeartbeat = "/internal/gateway/v1/heartbeat";
const std::string kHeartbeatBody = R"({"gatewayId":"probe:1","environment":"Default"})";

// The extensions of the throwaway certificates: a CA, the control plane's server certificate and
// gateway client certificates (one name allowed by cluster.gateway_client_names, one not).
constexpr const char* kOpensslConfig = R"([req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
subjectAltName = IP:127.0.0.1,DNS:localhost
extendedKeyUsage = serverAuth
[allowed]
basicConstraints = CA:FALSE
subjectAltName = DNS:gw-1.gateways.test
extendedKeyUsage = clientAuth
[other]
basicConstraints = CA:FALSE
subjectAltName = DNS:gw-1.elsewhere.test
extendedKeyUsage = clientAuth
)";

struct Pem {
  std::string cert;
  std::string key;
};

// Runs the openssl tool; the test fails with the command when it does not succeed.
void openssl(const std::string& args) {
  const std::string cmd = "openssl " + args + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

class Material {
 public:
  explicit Material(std::string dir) : dir_(std::move(dir)) {
    std::ofstream(dir_ + "/openssl.cnf") << kOpensslConfig;
  }
  // A self-signed CA named `cn`.
  Pem ca(const std::string& name, const std::string& cn) {
    Pem p = files(name);
    openssl("req -config " + dir_ + "/openssl.cnf -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30"
            " -subj '/CN=" + cn + "' -extensions ca -keyout " + p.key + " -out " + p.cert);
    return p;
  }
  // A certificate for `cn` signed by `issuer`, with the extensions of the config's `section`.
  Pem leaf(const std::string& name, const std::string& cn, const Pem& issuer, const std::string& section) {
    Pem p = files(name);
    openssl("req -config " + dir_ + "/openssl.cnf -x509 -CA " + issuer.cert + " -CAkey " + issuer.key +
            " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj '/CN=" + cn + "' -extensions " +
            section + " -keyout " + p.key + " -out " + p.cert);
    return p;
  }

 private:
  Pem files(const std::string& name) const { return {dir_ + "/" + name + ".crt", dir_ + "/" + name + ".key"}; }
  std::string dir_;
};

// A client certificate `issuer` signed whose validity ended yesterday (the openssl tool makes none).
Pem expired_leaf(const std::string& dir, const Pem& issuer) {
  Pem p{dir + "/expired.crt", dir + "/expired.key"};
  const ExpiredCertificate c = make_expired_certificate("gw-1.gateways.test", issuer.cert, issuer.key);
  std::ofstream(p.cert) << c.cert_pem;
  std::ofstream(p.key) << c.key_pem;
  return p;
}

struct TlsAnswer {
  int status = 0;
  std::string body;
  std::vector<std::string> acceptable_cas;  // the CA names the server's certificate request listed
};

// One request over TLS to `port`, trusting `ca` for the server's certificate and presenting
// `client` (when given), as a gateway (or, without one, as a browser) would.
TlsAnswer tls_request(int port, const std::string& method, const std::string& target, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers, const Pem& ca,
                      const Pem* client) {
  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(ca.cert);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  if (client) {
    ctx.use_certificate_chain_file(client->cert);
    ctx.use_private_key_file(client->key, asio::ssl::context::pem);
  }
  asio::ssl::stream<asio::ip::tcp::socket> s(io, ctx);
  s.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  s.handshake(asio::ssl::stream_base::client);
  TlsAnswer a;
  if (STACK_OF(X509_NAME)* names = SSL_get_client_CA_list(s.native_handle()))
    for (int i = 0; i < sk_X509_NAME_num(names); ++i) {
      char line[256];
      X509_NAME_oneline(sk_X509_NAME_value(names, i), line, sizeof line);
      a.acceptable_cas.emplace_back(line);
    }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [n, v] : headers) req += n + ": " + v + "\r\n";
  if (!body.empty()) req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  asio::write(s, asio::buffer(req));
  std::string out;
  boost::system::error_code ec;
  char buf[8192];
  for (;;) {
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  if (out.size() > 12) a.status = std::atoi(out.substr(9, 3).c_str());
  if (auto at = out.find("\r\n\r\n"); at != std::string::npos) a.body = out.substr(at + 4);
  return a;
}

class ClusterMtls : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(make_temp_dir());
    Material m(*dir_);
    ca_ = new Pem(m.ca("ca", "Archway Test Gateway CA"));
    other_ca_ = new Pem(m.ca("other-ca", "Some Other CA"));
    server_ = new Pem(m.leaf("server", "control-plane", *ca_, "server"));
    trusted_ = new Pem(m.leaf("trusted", "gw-1", *ca_, "allowed"));
    unlisted_ = new Pem(m.leaf("unlisted", "gw-1", *ca_, "other"));
    stranger_ = new Pem(m.leaf("stranger", "gw-1", *other_ca_, "allowed"));
    backend_ = new Backend();
    control_port_ = free_port();
    https_port_ = free_port();
    control_ = new RoleProcess("control-plane", {"--set", "management.host=127.0.0.1",
                                                 "--set", "management.http_port=" + std::to_string(control_port_),
                                                 "--set", "management.https_port=" + std::to_string(https_port_),
                                                 "--set", "tls.cert_file=" + server_->cert,
                                                 "--set", "tls.key_file=" + server_->key,
                                                 "--set", "cluster.gateway_client_ca=" + ca_->cert,
                                                 "--set", "cluster.gateway_client_names=*.gateways.test",
                                                 "--set", "cluster.gateway_token=" + std::string(kToken),
                                                 "--set", "analytics.rollup_interval_ms=100",
                                                 "--set", "server.shutdown_grace_ms=500"});
    gateway_ = new RoleProcess("gateway", gateway_args(trusted_, ""));
    management_port_ = control_port_;
    gateway_port_ = gateway_->gateway_port();
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
    delete control_;
    control_ = nullptr;
    ServerSuite::TearDownTestSuite();
    management_port_ = gateway_port_ = 0;
    for (Pem* p : {ca_, other_ca_, server_, trusted_, unlisted_, stranger_}) delete p;
    fs::remove_all(*dir_);
    delete dir_;
  }

  // A gateway following the control plane over https, presenting `cert` (when given) and `token`.
  static std::vector<std::string> gateway_args(const Pem* cert, const std::string& token) {
    std::vector<std::string> args{"--control-plane", "https://127.0.0.1:" + std::to_string(https_port_),
                                  "--set", "gateway.host=127.0.0.1",
                                  "--set", "gateway.http_port=0",
                                  "--set", "gateway.https_port=-1",
                                  "--set", "gateway.workers=1",
                                  "--set", "gateway.trust_store=" + ca_->cert,
                                  "--set", "cluster.reconnect_max_ms=200",
                                  "--set", "cluster.snapshot_persist_ms=20",
                                  "--set", "analytics.flush_interval_ms=20",
                                  "--set", "server.shutdown_grace_ms=500"};
    if (cert) args.insert(args.end(), {"--set", "cluster.gateway_cert=" + cert->cert, "--set",
                                       "cluster.gateway_key=" + cert->key});
    if (!token.empty()) args.insert(args.end(), {"--set", "cluster.gateway_token=" + token});
    return args;
  }

  static TlsAnswer heartbeat(const Pem* client, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return tls_request(https_port_, "POST", kHeartbeat, kHeartbeatBody, headers, *ca_, client);
  }

  // Polls `port` until `path` answers `want` (at most 10 s); the last status.
  static int wait_status(int port, const std::string& path, int want) {
    int s = 0;
    for (int i = 0; i < 2000 && s != want; ++i) {
      if (i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      try {
        s = HttpClient("127.0.0.1", port).get(path).status;
      } catch (const std::exception&) {
        s = 0;
      }
    }
    return s;
  }

  // Polls a process's log until it holds `text` (at most 10 s).
  static bool log_says(const RoleProcess& p, const std::string& text) {
    for (int i = 0; i < 1000; ++i) {
      if (p.output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // The control plane's analytics count of the API once it reached `at_least` (at most 10 s).
  std::int64_t counted(const std::string& api_id, std::int64_t at_least) {
    const std::string target = "/api/am/admin/v4/analytics/summary?apiId=" + api_id;
    std::int64_t n = -1;
    for (int i = 0; i < 200 && n < at_least; ++i) {
      if (i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      auto r = admin("GET", target);
      if (r.status == 200) n = json_of(r).at("count").as_int64();
    }
    return n;
  }

  // How the start of a process in `role` with `args` ends: its log when it exits before it is ready.
  static std::string start_failure(const std::string& role, const std::vector<std::string>& args) {
    try {
      RoleProcess p(role, args);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "(it started)";
  }

  static inline std::string* dir_ = nullptr;
  static inline Pem *ca_ = nullptr, *other_ca_ = nullptr, *server_ = nullptr, *trusted_ = nullptr,
                    *unlisted_ = nullptr, *stranger_ = nullptr;
  static inline int control_port_ = 0;
  static inline int https_port_ = 0;
  static inline RoleProcess* control_ = nullptr;
  static inline RoleProcess* gateway_ = nullptr;
};

TEST_F(ClusterMtls, GatewayWithTrustedCertificateAndNoTokenServesDeploymentsAndSendsAnalytics) {
  const std::string id = deployed_api(api_body("mtls-follow", "/mtls-follow"), "/mtls-follow/1.0.0/x");
  ASSERT_EQ(gw().get("/mtls-follow/1.0.0/x").status, 200) << gateway_->output();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(gw().get("/mtls-follow/1.0.0/item").status, 200);
  // The probes that found the deployment count too: at least the five made here arrive.
  EXPECT_GE(counted(id, 5), 5) << gateway_->output();
  // Its heartbeats (a POST with the certificate alone) record it with the control plane.
  const std::string mine = ":" + std::to_string(gateway_port_) + "\"";
  HttpResponse gateways;
  for (int i = 0; i < 500; ++i) {
    gateways = admin("GET", "/api/am/admin/v4/environments/Default/gateways");
    if (gateways.body.find(mine) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(gateways.body.find(mine), std::string::npos) << gateways.body;
}

TEST_F(ClusterMtls, FeedRoutesAcceptTrustedCertificateAndRefuseOthersWith401) {
  const auto trusted = heartbeat(trusted_);
  EXPECT_EQ(trusted.status, 204) << trusted.body;
  const auto stranger = heartbeat(stranger_);
  EXPECT_EQ(stranger.status, 401) << stranger.body;
  EXPECT_NE(stranger.body.find("not trusted"), std::string::npos) << stranger.body;
  EXPECT_NE(stranger.body.find("CN=gw-1"), std::string::npos) << stranger.body;
  const auto unlisted = heartbeat(unlisted_);
  EXPECT_EQ(unlisted.status, 401) << unlisted.body;
  EXPECT_NE(unlisted.body.find("cluster.gateway_client_names"), std::string::npos) << unlisted.body;
  // Its name is allowed and the CA signed it, but its time is over.
  const Pem expired = expired_leaf(*dir_, *ca_);
  const auto late = heartbeat(&expired);
  EXPECT_EQ(late.status, 401) << late.body;
  EXPECT_NE(late.body.find("certificate has expired"), std::string::npos) << late.body;
  const auto none = heartbeat(nullptr);
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_NE(none.body.find("client certificate"), std::string::npos) << none.body;
  // The snapshot too: the trusted certificate opens it, no certificate does not.
  const std::string snapshot = "/internal/gateway/v1/snapshot?environment=Default";
  const auto full = tls_request(https_port_, "GET", snapshot, "", {}, *ca_, trusted_);
  EXPECT_EQ(full.status, 200) << full.body;
  EXPECT_NE(full.body.find(R"("type":"end")"), std::string::npos);
  EXPECT_EQ(tls_request(https_port_, "GET", snapshot, "", {}, *ca_, nullptr).status, 401);
}

TEST_F(ClusterMtls, TokenStillOpensTheFeedWithOrWithoutAnUntrustedCertificate) {
  const std::pair<std::string, std::string> bearer{"Authorization", std::string("Bearer ") + kToken};
  EXPECT_EQ(heartbeat(nullptr, {bearer}).status, 204);
  EXPECT_EQ(heartbeat(stranger_, {bearer}).status, 204);
  const auto wrong = heartbeat(nullptr, {{"Authorization", "Bearer not-the-token"}});
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  // A gateway holding only the token follows over the same https listener.
  RoleProcess token_gateway("gateway", gateway_args(nullptr, kToken));
  deployed_api(api_body("mtls-token", "/mtls-token"), "/mtls-token/1.0.0/x");
  EXPECT_EQ(wait_status(token_gateway.gateway_port(), "/mtls-token/1.0.0/x", 200), 200) << token_gateway.output();
}

TEST_F(ClusterMtls, GatewayWithCertificateFromAnotherCaIsRefusedAndSaysSo) {
  RoleProcess stranger("gateway", gateway_args(stranger_, ""));
  EXPECT_TRUE(log_says(stranger, "not trusted by this control plane")) << stranger.output();
  EXPECT_TRUE(log_says(stranger, "401")) << stranger.output();
  deployed_api(api_body("mtls-stranger", "/mtls-stranger"), "/mtls-stranger/1.0.0/x");
  ASSERT_EQ(gw().get("/mtls-stranger/1.0.0/x").status, 200);  // the trusted gateway has it
  EXPECT_EQ(HttpClient("127.0.0.1", stranger.gateway_port()).get("/mtls-stranger/1.0.0/x").status, 404);
  EXPECT_EQ(HttpClient("127.0.0.1", stranger.gateway_port()).get("/ready").status, 503);
  // The control plane's audit log names the certificate it refused.
  EXPECT_TRUE(log_says(*control_, "untrusted certificate CN=gw-1")) << control_->output();
}

TEST_F(ClusterMtls, ManagementClientsWithoutCertificateUseTheHttpsApi) {
  const auto apis = tls_request(https_port_, "GET", kApis, "", {{"Authorization", basic_auth(kAdmin, kPassword)}},
                                *ca_, nullptr);
  EXPECT_EQ(apis.status, 200) << apis.body;
  EXPECT_NE(apis.body.find(R"("list")"), std::string::npos) << apis.body;
  // The request names only the gateway CA, so a browser offers none of its user's certificates.
  ASSERT_EQ(apis.acceptable_cas.size(), 1u);
  EXPECT_EQ(apis.acceptable_cas[0], "/CN=Archway Test Gateway CA");
  // A certificate the listener does not trust changes nothing outside the gateway feed.
  const auto with_other = tls_request(https_port_, "GET", kApis, "",
                                      {{"Authorization", basic_auth(kAdmin, kPassword)}}, *ca_, stranger_);
  EXPECT_EQ(with_other.status, 200) << with_other.body;
  HttpClient portal("127.0.0.1", https_port_, true);
  EXPECT_EQ(portal.get("/health").status, 200);
}

TEST_F(ClusterMtls, UnusableCertificateOrKeyStopsTheStartWithAMessage) {
  const std::string mismatched = start_failure("gateway", [] {
    auto a = gateway_args(nullptr, "");
    a.insert(a.end(), {"--set", "cluster.gateway_cert=" + trusted_->cert, "--set",
                       "cluster.gateway_key=" + stranger_->key});
    return a;
  }());
  EXPECT_NE(mismatched.find("does not belong to the certificate"), std::string::npos) << mismatched;
  const std::string missing = start_failure("gateway", [] {
    auto a = gateway_args(nullptr, "");
    a.insert(a.end(), {"--set", "cluster.gateway_cert=" + *dir_ + "/nowhere.crt", "--set",
                       "cluster.gateway_key=" + trusted_->key});
    return a;
  }());
  EXPECT_NE(missing.find("gateway client certificate '" + *dir_ + "/nowhere.crt' cannot be read"), std::string::npos)
      << missing;
  const std::string half = start_failure("gateway", [] {
    auto a = gateway_args(nullptr, "");
    a.insert(a.end(), {"--set", "cluster.gateway_cert=" + trusted_->cert});
    return a;
  }());
  EXPECT_NE(half.find("must be set together"), std::string::npos) << half;
  const std::string no_ca = start_failure(
      "control-plane", {"--set", "management.host=127.0.0.1", "--set", "management.http_port=0", "--set",
                        "management.https_port=0", "--set", "cluster.gateway_client_ca=" + trusted_->key});
  EXPECT_NE(no_ca.find("gateway client CA '" + trusted_->key + "' holds no PEM certificate"), std::string::npos)
      << no_ca;
}

}  // namespace
}  // namespace archway::testing
