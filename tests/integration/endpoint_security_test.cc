// Toward the backend: endpoint_security (BASIC, APIKEY in a header or the query) added by the
// gateway, its secrets sealed at rest and never given back by the Publisher; HTTPS backends
// verified against the configured trust store (gateway.trust_store) with SNI from the endpoint's
// host, and a 502 that says so when verification fails.
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <sstream>

#include "crypto/base64url.h"
#include "crypto/tls_identity.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class EndpointSecurity : public ServerSuite {
 protected:
  static std::string body_with(const std::string& name, const std::string& context, const std::string& url,
                               const std::string& security) {
    return R"({"name":")" + name + R"(","context":")" + context +
           R"(","version":"1.0.0","endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" + url +
           R"("},"endpoint_security":{"production":)" + security +
           R"(}},"operations":[{"target":"/*","verb":"GET","authType":"None"}]})";
  }

  // Every byte the server stored (database and its write-ahead log).
  static std::string stored_bytes() {
    std::string all;
    for (const auto& e : std::filesystem::directory_iterator(server_->data_dir())) {
      if (e.path().filename().string().rfind("archway.db", 0) != 0) continue;
      std::ifstream f(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      all += ss.str();
    }
    return all;
  }
};

TEST_F(EndpointSecurity, BasicCredentialsReachTheBackendAndStaySecret) {
  const std::string id = deployed_api(
      body_with("EpBasic", "/epbasic", backend_->url("/b"),
                R"({"enabled":true,"type":"BASIC","username":"svc","password":"s3cret-Backend-pw"})"),
      "/epbasic/1.0.0/probe");
  auto r = gw().get("/epbasic/1.0.0/x", {{"Authorization", "Bearer caller-token"}});
  ASSERT_EQ(r.status, 200) << r.body;
  // base64("svc:s3cret-Backend-pw")
  EXPECT_EQ(str(json_of(r)["headers"].at("authorization")), "Basic c3ZjOnMzY3JldC1CYWNrZW5kLXB3");

  auto got = admin("GET", kApis + "/" + id);
  ASSERT_EQ(got.status, 200);
  auto prod = json_of(got)["endpointConfig"].at("endpoint_security").at("production").as_object();
  EXPECT_EQ(str(prod["password"]), "");
  EXPECT_EQ(str(prod["username"]), "svc");
  EXPECT_EQ(got.body.find("s3cret-Backend-pw"), std::string::npos);
  EXPECT_EQ(stored_bytes().find("s3cret-Backend-pw"), std::string::npos);

  // Sending the document back as GET gave it (password empty) keeps the stored secret.
  auto put = admin("PUT", kApis + "/" + id, got.body);
  ASSERT_EQ(put.status, 200) << put.body;
  deploy(id, create_revision(id));
  r = gw().get("/epbasic/1.0.0/x");
  EXPECT_EQ(str(json_of(r)["headers"].at("authorization")), "Basic c3ZjOnMzY3JldC1CYWNrZW5kLXB3");
}

TEST_F(EndpointSecurity, ApiKeyGoesInTheNamedHeaderOrQueryParameter) {
  deployed_api(body_with("EpKeyH", "/epkeyh", backend_->url("/b"),
                         R"({"enabled":true,"type":"APIKEY","apiKeyIdentifier":"X-Backend-Key","apiKeyValue":"k-123",
                             "apiKeyIdentifierType":"HEADER"})"),
               "/epkeyh/1.0.0/probe");
  auto r = gw().get("/epkeyh/1.0.0/x");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["headers"].at("x-backend-key")), "k-123");

  deployed_api(body_with("EpKeyQ", "/epkeyq", backend_->url("/b"),
                         R"({"enabled":true,"type":"APIKEY","apiKeyIdentifier":"key","apiKeyValue":"a b&c",
                             "apiKeyIdentifierType":"QUERY_PARAMETER"})"),
               "/epkeyq/1.0.0/probe");
  r = gw().get("/epkeyq/1.0.0/x?q=1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["target"]), "/b/x?q=1&key=a%20b%26c");
}

TEST_F(EndpointSecurity, ProductionAndSandboxTokensGetTheirKeyTypesCredentials) {
  const std::string id = create_api(
      R"({"name":"EpKeyTypes","context":"/epkt","version":"1.0.0","policies":["Unlimited"],
          "endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" + backend_->url("/prod") +
      R"("},"sandbox_endpoints":{"url":")" + backend_->url("/sand") + R"("},
          "endpoint_security":{
            "production":{"enabled":true,"type":"APIKEY","apiKeyIdentifier":"X-Prod-Key","apiKeyValue":"p-1"},
            "sandbox":{"enabled":true,"type":"BASIC","username":"sbx","password":"sandbox-pw"}}},
          "operations":[{"target":"/*","verb":"GET"}]})");
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  deploy(id, create_revision(id));
  wait_for_status("/epkt/1.0.0/x", [](int s) { return s == 401; });
  const Client prod = application("EpKtProd");
  const Client sand = application("EpKtSand", "SANDBOX");
  subscribe(prod.app_id, id);
  subscribe(sand.app_id, id);
  ASSERT_EQ(wait_for_call("/epkt/1.0.0/x", prod.token, 200), 200);
  ASSERT_EQ(wait_for_call("/epkt/1.0.0/x", sand.token, 200), 200);

  auto p = json_of(call("/epkt/1.0.0/x", prod.token));
  EXPECT_EQ(str(p["target"]), "/prod/x");
  EXPECT_EQ(str(p["headers"].at("x-prod-key")), "p-1");
  EXPECT_FALSE(p["headers"].as_object().contains("authorization"));  // the caller's token stays at the gateway

  auto s = json_of(call("/epkt/1.0.0/x", sand.token));
  EXPECT_EQ(str(s["target"]), "/sand/x");
  EXPECT_EQ(str(s["headers"].at("authorization")), "Basic c2J4OnNhbmRib3gtcHc=");  // base64("sbx:sandbox-pw")
  EXPECT_FALSE(s["headers"].as_object().contains("x-prod-key"));
}

TEST_F(EndpointSecurity, BadEndpointSecurityIsRefusedNamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"enabled":true,"type":"NTLM","username":"u","password":"p"})", "endpoint_security.production.type"},
      {R"({"enabled":true,"type":"DIGEST","password":"p"})", "endpoint_security.production.username"},
      {R"({"enabled":true,"type":"DIGEST","username":"u"})", "endpoint_security.production.password"},
      {R"({"enabled":true,"type":"OAUTH","grantType":"IMPLICIT","tokenUrl":"http://t/","clientId":"c","clientSecret":"s"})",
       "endpoint_security.production.grantType"},
      {R"({"enabled":true,"type":"OAUTH","grantType":"CLIENT_CREDENTIALS","clientId":"c","clientSecret":"s"})",
       "endpoint_security.production.tokenUrl"},
      {R"({"enabled":true,"type":"OAUTH","grantType":"CLIENT_CREDENTIALS","tokenUrl":"ftp://t/","clientId":"c","clientSecret":"s"})",
       "endpoint_security.production.tokenUrl"},
      {R"({"enabled":true,"type":"OAUTH","grantType":"CLIENT_CREDENTIALS","tokenUrl":"http://t/","clientSecret":"s"})",
       "endpoint_security.production.clientId"},
      {R"({"enabled":true,"type":"OAUTH","grantType":"CLIENT_CREDENTIALS","tokenUrl":"http://t/","clientId":"c"})",
       "endpoint_security.production.clientSecret"},
      {R"({"enabled":true,"type":"OAUTH","grantType":"PASSWORD","tokenUrl":"http://t/","clientId":"c","clientSecret":"s","password":"p"})",
       "endpoint_security.production.username"},
      {R"({"enabled":true,"type":"OAUTH","grantType":"PASSWORD","tokenUrl":"http://t/","clientId":"c","clientSecret":"s","username":"u"})",
       "endpoint_security.production.password"},
      {R"({"enabled":true,"type":"OAUTH","grantType":"CLIENT_CREDENTIALS","tokenUrl":"http://t/","clientId":"c","clientSecret":"s","customParameters":{"a":1}})",
       "endpoint_security.production.customParameters.a"},
      {R"({"enabled":true,"type":"BASIC","username":"u"})", "endpoint_security.production.password"},
      {R"({"enabled":true,"type":"BASIC","password":"p"})", "endpoint_security.production.username"},
      {R"({"enabled":true,"type":"APIKEY","apiKeyIdentifier":"k"})", "endpoint_security.production.apiKeyValue"},
      {R"({"enabled":true,"type":"APIKEY","apiKeyIdentifier":"k","apiKeyValue":"v","apiKeyIdentifierType":"COOKIE"})",
       "endpoint_security.production.apiKeyIdentifierType"},
  };
  for (const auto& [sec, field] : cases) {
    auto r = admin("POST", kApis, body_with("EpBad", "/epbad", backend_->url("/b"), sec));
    EXPECT_EQ(r.status, 400) << sec;
    EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
  }
}

// OAUTH endpoint security against a real token endpoint: this server's own /oauth2/token, with
// one gateway worker so that "the worker's cached token" is one token.
class EndpointOAuth : public EndpointSecurity {
 protected:
  static void SetUpTestSuite() {
    ServerOptions o;
    o.extra_args = {"--set", "gateway.workers=1"};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }

  std::string token_url() const { return "http://127.0.0.1:" + std::to_string(server_->management_port()) + "/oauth2/token"; }

  std::string oauth(const Client& c, const std::string& extra = "") const {
    return R"({"enabled":true,"type":"OAUTH","grantType":"CLIENT_CREDENTIALS","tokenUrl":")" + token_url() +
           R"(","clientId":")" + c.consumer_key + R"(","clientSecret":")" + c.consumer_secret + "\"" + extra + "}";
  }

  static json::object jwt_claims(const std::string& bearer) {
    const std::string jwt = bearer.substr(std::string("Bearer ").size());
    const auto a = jwt.find('.');
    const auto b = jwt.find('.', a + 1);
    return json::parse(*crypto::base64url_decode(jwt.substr(a + 1, b - a - 1))).as_object();
  }
};

TEST_F(EndpointOAuth, AClientCredentialsTokenIsFetchedOnceAndSentToTheBackend) {
  Client c = application("EpOAuthApp");
  const std::string id = deployed_api(
      body_with("EpOAuth", "/epoauth", backend_->url("/o"), oauth(c, R"(,"customParameters":{"validity_period":"120"})")),
      "/epoauth/1.0.0/probe");
  std::set<std::string> seen;
  for (int i = 0; i < 5; ++i) {
    auto r = gw().get("/epoauth/1.0.0/x", {{"Authorization", "Bearer caller-token"}});
    ASSERT_EQ(r.status, 200) << r.body;
    seen.insert(str(json_of(r)["headers"].at("authorization")));
  }
  ASSERT_EQ(seen.size(), 1u);  // one token, cached, for every request
  const std::string bearer = *seen.begin();
  ASSERT_EQ(bearer.rfind("Bearer ", 0), 0u) << bearer;
  auto claims = jwt_claims(bearer);
  EXPECT_EQ(claims["exp"].as_int64() - claims["iat"].as_int64(), 120);  // customParameters
  auto intro = client_form("/oauth2/introspect", "token=" + bearer.substr(7), c);
  ASSERT_EQ(intro.status, 200) << intro.body;
  EXPECT_EQ(json_of(intro)["active"], true);
  EXPECT_EQ(str(json_of(intro)["client_id"]), c.consumer_key);

  auto got = admin("GET", kApis + "/" + id);
  auto prod = json_of(got)["endpointConfig"].at("endpoint_security").at("production").as_object();
  EXPECT_EQ(str(prod["clientSecret"]), "");
  EXPECT_EQ(str(prod["clientId"]), c.consumer_key);
  EXPECT_EQ(got.body.find(c.consumer_secret), std::string::npos);
  EXPECT_EQ(stored_bytes().find(c.consumer_secret), std::string::npos);
}

TEST_F(EndpointOAuth, ConcurrentFirstRequestsShareOneTokenFetch) {
  Client c = application("EpOAuthBurstApp");
  deployed_api(body_with("EpOAuthBurst", "/epoauthburst", backend_->url("/o"), oauth(c)), "/epoauthburst/1.0.0/probe");
  // The probe above fetched nothing: the first authorised request does. Twenty at once:
  std::vector<std::string> seen(20);
  std::vector<int> status(20);
  std::vector<std::thread> callers;
  for (int i = 0; i < 20; ++i)
    callers.emplace_back([&, i] {
      auto r = gw().get("/epoauthburst/1.0.0/x/" + std::to_string(i));
      status[i] = r.status;
      if (r.status == 200) seen[i] = str(json::parse(r.body).as_object()["headers"].at("authorization"));
    });
  for (auto& t : callers) t.join();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(status[i], 200) << i;
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 1u);  // one fetch, one token
}

TEST_F(EndpointOAuth, ThePasswordGrantGetsATokenForTheUser) {
  Client c = application("EpOAuthPwApp");
  deployed_api(body_with("EpOAuthPw", "/epoauthpw", backend_->url("/o"),
                         R"({"enabled":true,"type":"OAUTH","grantType":"PASSWORD","tokenUrl":")" + token_url() +
                             R"(","clientId":")" + c.consumer_key + R"(","clientSecret":")" + c.consumer_secret +
                             R"(","username":")" + kAdmin + R"(","password":")" + kPassword + R"("})"),
               "/epoauthpw/1.0.0/probe");
  auto r = gw().get("/epoauthpw/1.0.0/x");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(jwt_claims(str(json_of(r)["headers"].at("authorization")))["sub"]), kAdmin);
}

TEST_F(EndpointOAuth, ATokenEndpointThatRefusesIs503NamingItAndTheBackendIsNotCalled) {
  Client c = application("EpOAuthBadApp");
  c.consumer_secret = "not-the-secret";
  Backend quiet;
  deployed_api(body_with("EpOAuthBad", "/epoauthbad", quiet.url("/o"), oauth(c)), "/epoauthbad/1.0.0/probe");
  auto r = gw().get("/epoauthbad/1.0.0/x");
  ASSERT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(json_of(r)["code"], 101503);
  EXPECT_NE(r.body.find(token_url()), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("401 invalid_client"), std::string::npos) << r.body;
  EXPECT_EQ(gw().get("/epoauthbad/1.0.0/x").status, 503);  // failing fast for a second, then trying again
  EXPECT_EQ(quiet.requests_served(), 0);
}

TEST_F(EndpointOAuth, ATokenTheBackendRefusesIsReplacedByAFreshOne) {
  // The backend is an API of this same gateway that needs a subscribed application's token.
  const std::string inner = secured_api("EpOAuthInner", "/epoauthinner");
  Client c = application("EpOAuthChainApp");
  subscribe(c.app_id, inner);
  const std::string inner_url = "http://127.0.0.1:" + std::to_string(server_->gateway_port()) + "/epoauthinner/1.0.0";
  deployed_api(body_with("EpOAuthOuter", "/epoauthouter", inner_url, oauth(c)), "/epoauthouter/1.0.0/probe");
  deployed_api(body_with("EpOAuthEcho", "/epoauthecho", backend_->url("/o"), oauth(c)), "/epoauthecho/1.0.0/probe");
  ASSERT_EQ(gw().get("/epoauthouter/1.0.0/x").status, 200);
  // Same credentials, same cached token: the echo shows it.
  const std::string bearer = str(json_of(gw().get("/epoauthecho/1.0.0/x"))["headers"].at("authorization"));
  ASSERT_EQ(client_form("/oauth2/revoke", "token=" + bearer.substr(7), c).status, 200);
  EXPECT_EQ(gw().get("/epoauthouter/1.0.0/x").status, 401);  // the revoked token, refused: dropped
  EXPECT_EQ(gw().get("/epoauthouter/1.0.0/x").status, 200);  // a fresh one
  EXPECT_NE(str(json_of(gw().get("/epoauthecho/1.0.0/x"))["headers"].at("authorization")), bearer);
}

// DIGEST endpoint security against a backend that implements RFC 7616 itself (tests/support).
class EndpointDigest : public EndpointOAuth {
 protected:
  static std::string digest(const std::string& password = "digest-pw") {
    return R"({"enabled":true,"type":"DIGEST","username":"svc","password":")" + password + R"("})";
  }
  static std::string with_post(std::string body) {
    const std::string get = R"([{"target":"/*","verb":"GET","authType":"None"}])";
    return body.replace(body.find(get), get.size(),
                        R"([{"target":"/*","verb":"GET","authType":"None"},{"target":"/*","verb":"POST","authType":"None"}])");
  }
};

TEST_F(EndpointDigest, TheFirstRequestAnswersTheChallengeAndLaterOnesAnswerUpFront) {
  Backend digest_backend;
  const std::string id = deployed_api(body_with("EpDigest", "/epdigest", digest_backend.url("/digest"), digest()),
                                      "/epdigest/1.0.0/probe");
  const int before = digest_backend.digest_challenges();  // the probe's own challenge
  auto r = gw().get("/epdigest/1.0.0/x");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string auth = str(json_of(r)["headers"].at("authorization"));
  EXPECT_EQ(auth.rfind("Digest username=\"svc\"", 0), 0u) << auth;
  for (int i = 0; i < 4; ++i) ASSERT_EQ(gw().get("/epdigest/1.0.0/x/" + std::to_string(i)).status, 200);
  EXPECT_EQ(digest_backend.digest_challenges(), before);  // every one answered up front
  auto last = str(json_of(gw().get("/epdigest/1.0.0/y"))["headers"].at("authorization"));
  EXPECT_EQ(last.find("nc=00000001"), std::string::npos) << last;  // the nonce count moves on

  auto got = admin("GET", kApis + "/" + id);
  EXPECT_EQ(str(json_of(got)["endpointConfig"].at("endpoint_security").at("production").at("password")), "");
  EXPECT_EQ(stored_bytes().find("digest-pw"), std::string::npos);
}

TEST_F(EndpointDigest, APostIsSentAgainWithItsBodyWhenTheNonceWentStale) {
  Backend digest_backend;
  deployed_api(with_post(body_with("EpDigestPost", "/epdigestpost", digest_backend.url("/digest"), digest())),
               "/epdigestpost/1.0.0/probe");
  // A fresh endpoint for this worker: the probe (GET) above saw the challenge; change the nonce so
  // that the POST itself is refused first.
  digest_backend.rotate_digest_nonce();
  const int before = digest_backend.digest_challenges();
  auto r = gw().call("POST", "/epdigestpost/1.0.0/orders", R"({"item":"tea"})", "", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["method"]), "POST");
  EXPECT_EQ(str(json_of(r)["body"]), R"({"item":"tea"})");
  EXPECT_EQ(digest_backend.digest_challenges(), before + 1);  // refused once (stale), then answered
}

TEST_F(EndpointDigest, Sha256ChallengesAreAnswered) {
  Backend digest_backend;
  deployed_api(body_with("EpDigest256", "/epdigest256", digest_backend.url("/digest-sha256"), digest()),
               "/epdigest256/1.0.0/probe");
  auto r = gw().get("/epdigest256/1.0.0/x");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(str(json_of(r)["headers"].at("authorization")).find("algorithm=SHA-256"), std::string::npos);
}

TEST_F(EndpointDigest, AWrongPasswordGivesTheBackends401) {
  Backend digest_backend;
  deployed_api(body_with("EpDigestBad", "/epdigestbad", digest_backend.url("/digest"), digest("wrong-pw")),
               "/epdigestbad/1.0.0/probe");
  const int before = digest_backend.digest_challenges();
  auto r = gw().get("/epdigestbad/1.0.0/x");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "digest credentials required");
  EXPECT_EQ(digest_backend.digest_challenges(), before + 1);  // answered up front, refused, not repeated
}

// HTTPS backends: a certificate made in the test; one server trusts it through
// gateway.trust_store, the suite's own server (system store) does not.
class HttpsBackend : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    ServerSuite::SetUpTestSuite();
    dir_ = new std::string(make_temp_dir());
    const auto id = crypto::ensure_self_signed(*dir_);  // its own CA; SAN localhost, 127.0.0.1
    tls_backend_ = new Backend(id.cert_file, id.key_file);
    ServerOptions o;
    o.extra_args = {"--set", "gateway.trust_store=" + id.cert_file};
    trusting_ = new ServerProcess(o);
  }
  static void TearDownTestSuite() {
    delete trusting_;
    delete tls_backend_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
    ServerSuite::TearDownTestSuite();
  }

  static HttpResponse on(ServerProcess& s, const std::string& method, const std::string& target,
                         const std::string& body = "") {
    return HttpClient("127.0.0.1", s.management_port()).call(method, target, body, kAdmin, kPassword);
  }

  // Creates and deploys the API on server `s`; waits until its gateway routes it.
  static HttpResponse deploy_and_call(ServerProcess& s, const std::string& name, const std::string& url) {
    const std::string ctx = "/" + name;
    auto c = on(s, "POST", kApis,
                R"({"name":")" + name + R"(","context":")" + ctx +
                    R"(","version":"1.0.0","endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" +
                    url + R"("}},"operations":[{"target":"/*","verb":"GET","authType":"None"}]})");
    EXPECT_EQ(c.status, 201) << c.body;
    const std::string id = str(boost::json::parse(c.body).at("id"));
    auto rev = on(s, "POST", kApis + "/" + id + "/revisions", R"({"description":"t"})");
    const std::string rev_id = str(boost::json::parse(rev.body).at("id"));
    EXPECT_EQ(on(s, "POST", kApis + "/" + id + "/deploy-revision?revisionId=" + rev_id,
                 R"([{"name":"Default","vhost":"localhost","displayOnDevportal":true}])")
                  .status,
              201);
    HttpResponse r;
    for (int i = 0; i < 400; ++i) {
      r = HttpClient("127.0.0.1", s.gateway_port()).get(ctx + "/1.0.0/x");
      if (r.status != 404) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return r;
  }

  static std::string* dir_;
  static Backend* tls_backend_;
  static ServerProcess* trusting_;
};

std::string* HttpsBackend::dir_ = nullptr;
Backend* HttpsBackend::tls_backend_ = nullptr;
ServerProcess* HttpsBackend::trusting_ = nullptr;

TEST_F(HttpsBackend, TrustedCertificateIsVerifiedAndSniNamesTheEndpointHost) {
  auto r = deploy_and_call(*trusting_, "tlsok", "https://localhost:" + std::to_string(tls_backend_->port()) + "/secure");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = boost::json::parse(r.body).as_object();
  EXPECT_EQ(str(o["target"]), "/secure/x");
  EXPECT_EQ(str(o["sni"]), "localhost");
}

TEST_F(HttpsBackend, UntrustedCertificateAnswers502SayingVerificationFailed) {
  const int before = tls_backend_->requests_served();
  auto r = deploy_and_call(*server_, "tlsbad", "https://localhost:" + std::to_string(tls_backend_->port()) + "/secure");
  ASSERT_EQ(r.status, 502) << r.body;
  auto o = json_of(r);
  EXPECT_EQ(o["code"], 101505);
  EXPECT_EQ(str(o["message"]), "Backend certificate verification failed");
  EXPECT_EQ(tls_backend_->requests_served(), before);  // no request went over the unverified channel
}

}  // namespace
}  // namespace archway::testing
