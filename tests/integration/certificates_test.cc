// Endpoint certificates (trusted for HTTPS backends at their endpoint) and client certificates of
// APIs with mutual SSL, against the real binary: the Publisher routes, their errors, and what the
// gateway does with the certificates (backend TLS verification, callers over TLS).
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "crypto/tls_identity.h"
#include "fixture.h"
#include "support/expired_certificate.h"

namespace archway::testing {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

const std::string kPublisher = "/api/am/publisher/v4";
const std::string kEndpointCerts = kPublisher + "/endpoint-certificates";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct KeyPair {
  std::string cert_file;
  std::string key_file;
  std::string pem;
};

// A self-signed EC certificate with that common name, made with the openssl tool.
KeyPair make_certificate(const std::string& dir, const std::string& cn) {
  KeyPair k{dir + "/" + cn + ".crt", dir + "/" + cn + ".key", ""};
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=" +
      cn + " -keyout " + k.key_file + " -out " + k.cert_file + " 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  k.pem = read_file(k.cert_file);
  return k;
}

// One GET over TLS to the gateway, presenting `client` (when given) as the client certificate.
HttpResponse tls_get(int port, const std::string& target, const KeyPair* client,
                     const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  if (client) {
    ctx.use_certificate_file(client->cert_file, asio::ssl::context::pem);
    ctx.use_private_key_file(client->key_file, asio::ssl::context::pem);
  }
  asio::ssl::stream<asio::ip::tcp::socket> s(io, ctx);
  s.lowest_layer().connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  SSL_set_tlsext_host_name(s.native_handle(), "localhost");
  s.handshake(asio::ssl::stream_base::client);
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  for (const auto& [n, v] : headers) req += n + ": " + v + "\r\n";
  req += "\r\n";
  asio::write(s, asio::buffer(req));
  std::string out;
  boost::system::error_code ec;
  char buf[8192];
  for (;;) {
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  HttpResponse r;
  if (out.size() > 12) r.status = std::atoi(out.substr(9, 3).c_str());
  if (auto body = out.find("\r\n\r\n"); body != std::string::npos) r.body = out.substr(body + 4);
  return r;
}

class Certificates : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    ServerSuite::SetUpTestSuite();
    dir_ = new std::string(make_temp_dir());
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    ServerSuite::TearDownTestSuite();
  }

  HttpResponse upload(const std::string& method, const std::string& target, const std::string& pem,
                      std::vector<std::pair<std::string, std::string>> fields) {
    Multipart form;
    if (!pem.empty()) form.file("certificate", "cert.crt", pem, "application/x-x509-ca-cert");
    for (const auto& [n, v] : fields) form.field(n, v);
    return admin_form(method, target, form);
  }

  std::string client_certs(const std::string& api, const std::string& key_type = "PRODUCTION") {
    return kApis + "/" + api + "/client-certs/" + key_type;
  }

  // A published, deployed API with that securityScheme (a JSON array text) offering the Unlimited
  // tier.
  std::string api_with_scheme(const std::string& name, const std::string& context,
                              const std::string& scheme) {
    const std::string id =
        create_api(api_body(name, context, R"([{"target":"/*","verb":"GET"}])", "",
                            R"("policies":["Unlimited"],"securityScheme":)" + scheme + ","));
    EXPECT_EQ(
        admin("POST", kPublisher + "/apis/change-lifecycle?apiId=" + id + "&action=Publish").status,
        200);
    deploy(id, create_revision(id));
    wait_for_status(context + "/1.0.0/x", [](int s) { return s != 404; });
    return id;
  }

  // Polls an HTTPS call until it answers `want` (at most 2 s); returns the last answer.
  HttpResponse tls_until(const std::string& target, const KeyPair* client, int want,
                         const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    HttpResponse r;
    for (int i = 0; i < 200; ++i) {
      r = tls_get(server_->gateway_tls_port(), target, client, headers);
      if (r.status == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return r;
  }

  static std::string* dir_;
};

std::string* Certificates::dir_ = nullptr;

using EndpointCertificates = Certificates;
using ClientCertificates = Certificates;
using MutualTls = Certificates;

TEST_F(EndpointCertificates, AreStoredParsedListedByEndpointAndPaged) {
  const KeyPair a = make_certificate(*dir_, "ep-a.example");
  const KeyPair b = make_certificate(*dir_, "ep-b.example");
  auto r = upload("POST", kEndpointCerts, a.pem,
                  {{"alias", "ep-a"}, {"endpoint", "https://ep-a.example:8443"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["alias"]), "ep-a");
  EXPECT_EQ(str(json_of(r)["endpoint"]), "https://ep-a.example:8443");
  EXPECT_EQ(r.header("location"), kEndpointCerts + "/ep-a");
  ASSERT_EQ(upload("POST", kEndpointCerts, b.pem,
                   {{"alias", "ep-b"}, {"endpoint", "https://ep-b.example"}})
                .status,
            200);

  auto info = json_of(admin("GET", kEndpointCerts + "/ep-a"));
  EXPECT_EQ(str(info["subject"]), "CN=ep-a.example");
  EXPECT_EQ(str(info["status"]), "Active");
  EXPECT_EQ(str(info["version"]), "3");
  EXPECT_FALSE(str(info["validity"].at("from")).empty());
  EXPECT_FALSE(str(info["validity"].at("to")).empty());

  auto content = admin("GET", kEndpointCerts + "/ep-a/content");
  ASSERT_EQ(content.status, 200);
  EXPECT_EQ(content.body, a.pem);

  auto filtered = json_of(admin("GET", kEndpointCerts + "?endpoint=https://ep-b.example"));
  ASSERT_EQ(filtered["count"], 1);
  EXPECT_EQ(str(filtered["certificates"].at(0).at("alias")), "ep-b");
  auto page = json_of(admin("GET", kEndpointCerts + "?limit=1&offset=1"));
  EXPECT_EQ(page["count"], 1);
  EXPECT_EQ(page["pagination"].at("total"), 2);

  // Replaced content, then gone.
  ASSERT_EQ(upload("PUT", kEndpointCerts + "/ep-a", b.pem, {}).status, 200);
  EXPECT_EQ(str(json_of(admin("GET", kEndpointCerts + "/ep-a"))["subject"]), "CN=ep-b.example");
  EXPECT_EQ(admin("DELETE", kEndpointCerts + "/ep-a").status, 200);
  EXPECT_EQ(admin("GET", kEndpointCerts + "/ep-a").status, 404);
  EXPECT_EQ(admin("DELETE", kEndpointCerts + "/ep-a").status, 404);
  EXPECT_EQ(admin("DELETE", kEndpointCerts + "/ep-b").status, 200);
}

TEST_F(EndpointCertificates, BadUploadsAreRefusedWithTheirStatus) {
  const KeyPair a = make_certificate(*dir_, "ep-dup.example");
  ASSERT_EQ(upload("POST", kEndpointCerts, a.pem,
                   {{"alias", "ep-dup"}, {"endpoint", "https://dup.example"}})
                .status,
            200);
  auto dup = upload("POST", kEndpointCerts, a.pem,
                    {{"alias", "ep-dup"}, {"endpoint", "https://dup.example"}});
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_EQ(json_of(dup)["code"], 409);
  auto junk = upload("POST", kEndpointCerts,
                     "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                     {{"alias", "ep-junk"}, {"endpoint", "https://junk.example"}});
  EXPECT_EQ(junk.status, 400);
  EXPECT_NE(str(json_of(junk)["description"]).find("certificate"), std::string::npos);
  auto expired = upload("POST", kEndpointCerts, make_expired_certificate("expired").cert_pem,
                        {{"alias", "ep-expired"}, {"endpoint", "https://old.example"}});
  EXPECT_EQ(expired.status, 400);
  EXPECT_NE(str(json_of(expired)["description"]).find("expired"), std::string::npos);
  EXPECT_EQ(upload("POST", kEndpointCerts, a.pem + a.pem,
                   {{"alias", "ep-chain"}, {"endpoint", "https://c.example"}})
                .status,
            400);
  EXPECT_EQ(upload("POST", kEndpointCerts, a.pem, {{"alias", "ep-nourl"}, {"endpoint", "ftp://x"}})
                .status,
            400);
  EXPECT_EQ(
      upload("POST", kEndpointCerts, "", {{"alias", "ep-none"}, {"endpoint", "https://x.example"}})
          .status,
      400);
  EXPECT_EQ(upload("POST", kEndpointCerts, a.pem, {{"endpoint", "https://x.example"}}).status, 400);
  EXPECT_EQ(admin("GET", kEndpointCerts + "/nosuch/content").status, 404);
  EXPECT_EQ(admin("GET", kEndpointCerts + "/nosuch/usage").status, 404);

  // A publisher reads; only a creator uploads.
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"certpub","password":"certpub-pw-1","roles":["publisher"]})")
                .status,
            201);
  HttpClient c = mgmt();
  EXPECT_EQ(c.call("GET", kEndpointCerts, "", "certpub", "certpub-pw-1").status, 200);
  Multipart form;
  form.file("certificate", "c.crt", a.pem)
      .field("alias", "ep-pub")
      .field("endpoint", "https://pub.example");
  HttpRequest req;
  req.method = "POST";
  req.target = kEndpointCerts;
  req.body = form.body();
  req.headers = {{"Authorization", basic_auth("certpub", "certpub-pw-1")},
                 {"Content-Type", form.content_type()}};
  auto denied = c.send(req);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(json_of(denied)["code"], 403);
  EXPECT_EQ(c.call("GET", kEndpointCerts, "", "", "").status, 401);
}

TEST_F(EndpointCertificates,
       AnHttpsBackendIsTrustedOnceItsCertificateIsUploadedAndUsageListsItsApis) {
  const fs::path backend_dir = fs::path(*dir_) / "backend";
  const auto id = crypto::ensure_self_signed(
      backend_dir.string());  // SAN localhost; not trusted by the gateway
  Backend tls_backend(id.cert_file, id.key_file);
  const std::string origin = "https://localhost:" + std::to_string(tls_backend.port());
  const std::string api = create_api(api_body("EpTrust", "/eptrust",
                                              R"([{"target":"/*","verb":"GET","authType":"None"}])",
                                              origin + "/secure"));
  deploy(api, create_revision(api));
  const int refused = wait_for_status("/eptrust/1.0.0/x", [](int s) { return s != 404; });
  ASSERT_EQ(refused, 502);
  EXPECT_EQ(tls_backend.requests_served(), 0);

  auto up = upload("POST", kEndpointCerts, read_file(id.cert_file),
                   {{"alias", "eptrust"}, {"endpoint", origin}});
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(wait_for_status("/eptrust/1.0.0/x", [](int s) { return s == 200; }), 200);
  auto r = gw().get("/eptrust/1.0.0/x");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["target"]), "/secure/x");

  auto usage = json_of(admin("GET", kEndpointCerts + "/eptrust/usage"));
  ASSERT_EQ(usage["count"], 1);
  EXPECT_EQ(str(usage["list"].at(0).at("id")), api);
  EXPECT_EQ(str(usage["list"].at(0).at("name")), "EpTrust");
  ASSERT_EQ(admin("DELETE", kEndpointCerts + "/eptrust").status, 200);
}

TEST_F(ClientCertificates, AreStoredPerApiAndKeyTypeWithTheirTier) {
  const std::string api = create_api(api_body("CcRest", "/ccrest"));
  const KeyPair a = make_certificate(*dir_, "cc-a");
  const KeyPair b = make_certificate(*dir_, "cc-b");
  auto r = upload("POST", client_certs(api), a.pem, {{"alias", "cc-a"}, {"tier", "Unlimited"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto meta = json_of(r);
  EXPECT_EQ(str(meta["alias"]), "cc-a");
  EXPECT_EQ(str(meta["apiId"]), api);
  EXPECT_EQ(str(meta["tier"]), "Unlimited");
  ASSERT_EQ(
      upload("POST", client_certs(api, "SANDBOX"), b.pem, {{"alias", "cc-b"}, {"tier", "Gold"}})
          .status,
      200);

  auto prod = json_of(admin("GET", client_certs(api)));
  ASSERT_EQ(prod["count"], 1);
  EXPECT_EQ(str(prod["certificates"].at(0).at("alias")), "cc-a");
  // The older routes are the PRODUCTION certificates.
  auto older = json_of(admin("GET", kApis + "/" + api + "/client-certificates"));
  ASSERT_EQ(older["count"], 1);
  EXPECT_EQ(str(older["certificates"].at(0).at("alias")), "cc-a");
  EXPECT_EQ(str(json_of(admin("GET", kApis + "/" + api + "/client-certificates/cc-a"))["subject"]),
            "CN=cc-a");
  EXPECT_EQ(admin("GET", client_certs(api, "SANDBOX") + "/cc-b/content").body, b.pem);

  auto tier = upload("PUT", client_certs(api, "SANDBOX") + "/cc-b", "", {{"tier", "Silver"}});
  ASSERT_EQ(tier.status, 200) << tier.body;
  EXPECT_EQ(str(json_of(tier)["tier"]), "Silver");

  // Errors: the same alias (409), the same certificate again (409), bad input (400), unknown (404).
  EXPECT_EQ(
      upload("POST", client_certs(api), b.pem, {{"alias", "cc-a"}, {"tier", "Unlimited"}}).status,
      409);
  EXPECT_EQ(
      upload("POST", client_certs(api), a.pem, {{"alias", "cc-a2"}, {"tier", "Unlimited"}}).status,
      409);
  EXPECT_EQ(upload("POST", client_certs(api), "garbage", {{"alias", "cc-g"}, {"tier", "Unlimited"}})
                .status,
            400);
  EXPECT_EQ(
      upload("POST", client_certs(api), b.pem, {{"alias", "cc-t"}, {"tier", "NoSuchTier"}}).status,
      400);
  EXPECT_EQ(upload("POST", client_certs(api, "STAGING"), b.pem,
                   {{"alias", "cc-k"}, {"tier", "Unlimited"}})
                .status,
            400);
  EXPECT_EQ(
      upload("POST", client_certs("no-such-api"), b.pem, {{"alias", "cc-n"}, {"tier", "Unlimited"}})
          .status,
      404);
  EXPECT_EQ(admin("GET", client_certs(api) + "/nosuch").status, 404);

  EXPECT_EQ(admin("DELETE", kApis + "/" + api + "/client-certificates/cc-a").status, 200);
  EXPECT_EQ(json_of(admin("GET", client_certs(api)))["count"], 0);
  EXPECT_EQ(admin("DELETE", client_certs(api) + "/cc-a").status, 404);
}

TEST_F(MutualTls, ACallerWithTheUploadedCertificateIsServedWithoutAToken) {
  const std::string api = api_with_scheme("MtlsOnly", "/mtlsonly", R"(["mutualssl"])");
  const KeyPair good = make_certificate(*dir_, "mtls-good");
  const KeyPair other = make_certificate(*dir_, "mtls-other");
  ASSERT_EQ(
      upload("POST", client_certs(api), good.pem, {{"alias", "mtls-good"}, {"tier", "Unlimited"}})
          .status,
      200);

  auto r = tls_until("/mtlsonly/1.0.0/x", &good, 200);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("/backend/x"), std::string::npos);
  // Another certificate (even one uploaded elsewhere), none, or plain HTTP: 401.
  auto wrong = tls_get(server_->gateway_tls_port(), "/mtlsonly/1.0.0/x", &other);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("900901"), std::string::npos);
  EXPECT_EQ(tls_get(server_->gateway_tls_port(), "/mtlsonly/1.0.0/x", nullptr).status, 401);
  EXPECT_EQ(gw().get("/mtlsonly/1.0.0/x").status, 401);

  // Removed: refused from then on.
  ASSERT_EQ(admin("DELETE", client_certs(api) + "/mtls-good").status, 200);
  EXPECT_EQ(tls_until("/mtlsonly/1.0.0/x", &good, 401).status, 401);
}

TEST_F(MutualTls, AMandatoryCertificateIsRequiredEvenWithAValidToken) {
  const std::string api =
      api_with_scheme("MtlsMand", "/mtlsmand", R"(["mutualssl","oauth2","mutualssl_mandatory"])");
  const KeyPair cert = make_certificate(*dir_, "mtls-mand");
  ASSERT_EQ(
      upload("POST", client_certs(api), cert.pem, {{"alias", "mtls-mand"}, {"tier", "Unlimited"}})
          .status,
      200);
  Client c = application("MtlsMandApp");
  subscribe(c.app_id, api);
  const std::vector<std::pair<std::string, std::string>> bearer = {
      {"Authorization", "Bearer " + c.token}};
  EXPECT_EQ(tls_get(server_->gateway_tls_port(), "/mtlsmand/1.0.0/x", nullptr, bearer).status, 401);
  EXPECT_EQ(call("/mtlsmand/1.0.0/x", c.token).status, 401);
  EXPECT_EQ(tls_until("/mtlsmand/1.0.0/x", &cert, 200, bearer).status, 200);
}

TEST_F(MutualTls, BesideOAuthAndNotMandatoryEitherCredentialSuffices) {
  const std::string api = api_with_scheme("MtlsEither", "/mtlseither", R"(["mutualssl","oauth2"])");
  const KeyPair cert = make_certificate(*dir_, "mtls-either");
  ASSERT_EQ(
      upload("POST", client_certs(api), cert.pem, {{"alias", "mtls-either"}, {"tier", "Unlimited"}})
          .status,
      200);
  Client c = application("MtlsEitherApp");
  subscribe(c.app_id, api);
  EXPECT_EQ(tls_until("/mtlseither/1.0.0/x", &cert, 200).status, 200);
  EXPECT_EQ(tls_get(server_->gateway_tls_port(), "/mtlseither/1.0.0/x", nullptr,
                    {{"Authorization", "Bearer " + c.token}})
                .status,
            200);
  EXPECT_EQ(tls_get(server_->gateway_tls_port(), "/mtlseither/1.0.0/x", nullptr).status, 401);
}

TEST_F(MutualTls, BothMandatoryNeedTheCertificateAndAToken) {
  const std::string api = api_with_scheme(
      "MtlsBoth", "/mtlsboth",
      R"(["mutualssl","oauth2","mutualssl_mandatory","oauth_basic_auth_api_key_mandatory"])");
  const KeyPair cert = make_certificate(*dir_, "mtls-both");
  ASSERT_EQ(
      upload("POST", client_certs(api), cert.pem, {{"alias", "mtls-both"}, {"tier", "Unlimited"}})
          .status,
      200);
  Client c = application("MtlsBothApp");
  subscribe(c.app_id, api);
  EXPECT_EQ(
      tls_until("/mtlsboth/1.0.0/x", &cert, 200, {{"Authorization", "Bearer " + c.token}}).status,
      200);
  EXPECT_EQ(tls_get(server_->gateway_tls_port(), "/mtlsboth/1.0.0/x", &cert).status, 401);
  EXPECT_EQ(tls_get(server_->gateway_tls_port(), "/mtlsboth/1.0.0/x", nullptr,
                    {{"Authorization", "Bearer " + c.token}})
                .status,
            401);
}

TEST_F(MutualTls, ASandboxCertificateIsServedByTheSandboxEndpoint) {
  const std::string body =
      R"({"name":"MtlsSandbox","context":"/mtlssandbox","version":"1.0.0","policies":["Unlimited"],)"
      R"("securityScheme":["mutualssl"],"endpointConfig":{"endpoint_type":"http",)"
      R"("production_endpoints":{"url":")" +
      backend_->url("/prod") +
      R"("},)"
      R"("sandbox_endpoints":{"url":")" +
      backend_->url("/sandbox") +
      R"("}},)"
      R"("operations":[{"target":"/*","verb":"GET"}]})";
  const std::string api = create_api(body);
  ASSERT_EQ(
      admin("POST", kPublisher + "/apis/change-lifecycle?apiId=" + api + "&action=Publish").status,
      200);
  deploy(api, create_revision(api));
  wait_for_status("/mtlssandbox/1.0.0/x", [](int s) { return s != 404; });
  const KeyPair prod = make_certificate(*dir_, "mtls-prod");
  const KeyPair sandbox = make_certificate(*dir_, "mtls-sandbox");
  ASSERT_EQ(
      upload("POST", client_certs(api), prod.pem, {{"alias", "p"}, {"tier", "Unlimited"}}).status,
      200);
  ASSERT_EQ(upload("POST", client_certs(api, "SANDBOX"), sandbox.pem,
                   {{"alias", "s"}, {"tier", "Unlimited"}})
                .status,
            200);
  auto p = tls_until("/mtlssandbox/1.0.0/x", &prod, 200);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_NE(p.body.find("/prod/x"), std::string::npos) << p.body;
  auto s = tls_until("/mtlssandbox/1.0.0/x", &sandbox, 200);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_NE(s.body.find("/sandbox/x"), std::string::npos) << s.body;
}

TEST_F(MutualTls, TheCertificatesTierThrottlesItsCallers) {
  subscription_tier("MtlsTwoPerMin", 2);
  const std::string api = api_with_scheme("MtlsTier", "/mtlstier", R"(["mutualssl"])");
  const KeyPair cert = make_certificate(*dir_, "mtls-tier");
  ASSERT_EQ(upload("POST", client_certs(api), cert.pem,
                   {{"alias", "mtls-tier"}, {"tier", "MtlsTwoPerMin"}})
                .status,
            200);
  ASSERT_EQ(tls_until("/mtlstier/1.0.0/x", &cert, 200).status, 200);
  EXPECT_EQ(tls_get(server_->gateway_tls_port(), "/mtlstier/1.0.0/x", &cert).status, 200);
  EXPECT_EQ(tls_get(server_->gateway_tls_port(), "/mtlstier/1.0.0/x", &cert).status, 429);
}

}  // namespace
}  // namespace archway::testing
