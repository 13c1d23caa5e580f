// Credential guessing is slow: past a few free failures, wrong client secrets, wrong passwords on
// the password grant, the sign-in form and HTTP Basic lock their client id, user name or address
// with exponential back-off (429 with Retry-After, even for the right credential), while other
// clients and users carry on.
#include <regex>

#include "crypto/base64url.h"
#include "crypto/random.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kCallback = "https://guessing.example/cb";

class CredentialGuessing : public ServerSuite {
 protected:
  // Three free failures, then locks of 1 s, 2 s, ... (at most 4 s); the address allows many more
  // (every test calls from 127.0.0.1).
  static void SetUpTestSuite() {
    ServerOptions o;
    o.extra_args = {"--set", "security.login_free_attempts=3",      "--set",
                    "security.login_backoff_base_ms=1000",          "--set",
                    "security.login_backoff_max_ms=4000",           "--set",
                    "security.login_free_attempts_per_address=1000"};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }

  void make_user(const std::string& name, const std::string& password) {
    auto r = admin("POST", "/api/am/admin/v4/users",
                   R"({"username":")" + name + R"(","password":")" + password + R"(","roles":["subscriber"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  HttpResponse client_credentials(const Client& c, const std::string& secret) {
    return form("/oauth2/token", "grant_type=client_credentials", c.consumer_key, secret);
  }
  HttpResponse password_grant(const Client& c, const std::string& user, const std::string& password) {
    return form("/oauth2/token", "grant_type=password&username=" + enc(user) + "&password=" + enc(password),
                c.consumer_key, c.consumer_secret);
  }
  HttpResponse basic_get(const std::string& user, const std::string& password) {
    return mgmt().get(kDev + "/applications", {{"Authorization", basic_auth(user, password)}});
  }
  // Repeats `attempt` until it answers `want` (at most 15 s, far beyond the longest lock here).
  static int poll_until(const std::function<HttpResponse()>& attempt, int want) {
    int status = 0;
    for (int i = 0; i < 300 && status != want; ++i) {
      status = attempt().status;
      if (status != want) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return status;
  }
  static void expect_locked(const HttpResponse& r, const std::string& oauth_error = "") {
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_GE(std::atoi(r.header("retry-after").c_str()), 1) << "Retry-After: '" << r.header("retry-after") << "'";
    if (r.status != 429 || r.header("content-type").find("json") == std::string::npos) return;
    if (oauth_error.empty()) EXPECT_EQ(json_of(r)["code"], 429) << r.body;
    else EXPECT_EQ(str(json_of(r)["error"]), oauth_error) << r.body;
  }
};

TEST_F(CredentialGuessing, WrongClientSecretsLockTheClientIdUntilTheBackoffEnds) {
  const Client c = application("GuessSecrets");
  const Client other = application("GuessSecretsOther");
  for (int i = 0; i < 4; ++i) {  // three free failures, and the fourth that locks
    auto r = client_credentials(c, "wrong-" + std::to_string(i));
    EXPECT_EQ(r.status, 401) << i << ": " << r.body;
    EXPECT_EQ(str(json_of(r)["error"]), "invalid_client");
  }
  expect_locked(client_credentials(c, "wrong-again"), "slow_down");
  expect_locked(client_credentials(c, c.consumer_secret), "slow_down");  // the right secret waits too
  // Client id and secret as form fields name the same client.
  expect_locked(form("/oauth2/token", "grant_type=client_credentials&client_id=" + c.consumer_key +
                                          "&client_secret=" + enc(c.consumer_secret)),
                "slow_down");
  EXPECT_EQ(client_credentials(other, other.consumer_secret).status, 200);  // another client is not affected

  EXPECT_EQ(poll_until([&] { return client_credentials(c, c.consumer_secret); }, 200), 200);
  // The success started the count afresh: three failures are free again.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client_credentials(c, "wrong").status, 401);
  EXPECT_EQ(client_credentials(c, c.consumer_secret).status, 200);
}

TEST_F(CredentialGuessing, WrongPasswordsOnThePasswordGrantLockTheUser) {
  make_user("guessgrant", "right-password-1");
  make_user("guessgrant2", "right-password-2");
  const Client c = application("GuessGrant");
  // User names compare without case, and so do their counts.
  for (const char* name : {"guessgrant", "GuessGrant", "GUESSGRANT", "guessGrant"}) {
    auto r = password_grant(c, name, "wrong-password");
    EXPECT_EQ(r.status, 400) << name << ": " << r.body;
    EXPECT_EQ(str(json_of(r)["error"]), "invalid_grant");
  }
  expect_locked(password_grant(c, "guessgrant", "right-password-1"), "slow_down");
  EXPECT_EQ(password_grant(c, "guessgrant2", "right-password-2").status, 200);  // another user is not
  EXPECT_EQ(client_credentials(c, c.consumer_secret).status, 200);  // nor is the client
  EXPECT_EQ(poll_until([&] { return password_grant(c, "guessgrant", "right-password-1"); }, 200), 200);
}

TEST_F(CredentialGuessing, WrongBasicPasswordsOnManagementRoutesLockTheUser) {
  make_user("guessbasic", "right-password-1");
  make_user("guessbasic2", "right-password-2");
  ASSERT_EQ(basic_get("guessbasic", "right-password-1").status, 200);  // cached: the lock must still apply
  for (int i = 0; i < 4; ++i) EXPECT_EQ(basic_get("guessbasic", "wrong-password").status, 401) << i;
  const auto locked = basic_get("guessbasic", "right-password-1");
  expect_locked(locked);
  EXPECT_EQ(str(json_of(locked)["message"]), "Too Many Requests");
  EXPECT_EQ(basic_get("guessbasic2", "right-password-2").status, 200);
  EXPECT_EQ(poll_until([&] { return basic_get("guessbasic", "right-password-1"); }, 200), 200);
}

TEST_F(CredentialGuessing, WrongPasswordsOnTheSignInFormLockTheUser) {
  make_user("guessform", "right-password-1");
  make_user("guessform2", "right-password-2");
  auto a = admin("POST", kDev + "/applications", R"({"name":"GuessForm"})");
  ASSERT_EQ(a.status, 201) << a.body;
  auto k = admin("POST", kDev + "/applications/" + str(json_of(a)["applicationId"]) + "/generate-keys",
                 R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["authorization_code"],"callbackUrl":")" +
                     kCallback + R"("})");
  ASSERT_EQ(k.status, 200) << k.body;
  const std::string client_id = str(json_of(k)["consumerKey"]);
  const std::string challenge = crypto::base64url_encode(crypto::sha256(std::string(43, 'v')));
  const std::string query = "response_type=code&client_id=" + client_id + "&redirect_uri=" + enc(kCallback) +
                            "&code_challenge=" + challenge + "&code_challenge_method=S256";
  // As a browser does: the page's hidden fields and cookie go back with the credentials.
  auto sign_in = [&](const std::string& user, const std::string& password) {
    auto page = mgmt().get("/oauth2/authorize?" + query);
    EXPECT_EQ(page.status, 200) << page.body;
    std::string fields;
    static const std::regex kHidden(R"re(<input type="hidden" name="([^"]*)" value="([^"]*)">)re");
    for (std::sregex_iterator it(page.body.begin(), page.body.end(), kHidden), end; it != end; ++it)
      fields += (fields.empty() ? "" : "&") + (*it)[1].str() + "=" + enc(std::regex_replace((*it)[2].str(),
                                                                                             std::regex("&amp;"), "&"));
    const std::string cookie = page.header("set-cookie").substr(0, page.header("set-cookie").find(';'));
    return form("/oauth2/authorize", fields + "&username=" + user + "&password=" + enc(password), "", "", cookie);
  };
  for (int i = 0; i < 4; ++i) EXPECT_EQ(sign_in("guessform", "wrong-password").status, 401) << i;
  const auto locked = sign_in("guessform", "right-password-1");
  expect_locked(locked);
  EXPECT_NE(locked.body.find("Too many failed sign-ins"), std::string::npos) << locked.body;
  EXPECT_NE(locked.body.find("<form"), std::string::npos);  // the form stays, to try again later
  EXPECT_EQ(sign_in("guessform2", "right-password-2").status, 302);
  EXPECT_EQ(poll_until([&] { return sign_in("guessform", "right-password-1"); }, 302), 302);
}

TEST_F(CredentialGuessing, ManyUserNamesFromOneAddressLockTheAddress) {
  // A server of its own: this suite's allows the address a thousand failures.
  ServerOptions o;
  o.extra_args = {"--set", "security.login_free_attempts_per_address=5", "--set",
                  "security.login_backoff_base_ms=1000"};
  ServerProcess s(o);
  HttpClient client("127.0.0.1", s.management_port());
  auto get = [&](const std::string& user, const std::string& password) {
    return client.get(kDev + "/applications", {{"Authorization", basic_auth(user, password)}});
  };
  for (int i = 0; i < 6; ++i) EXPECT_EQ(get("nobody" + std::to_string(i), "guess").status, 401) << i;
  expect_locked(get(kAdmin, kPassword));  // every user name from this address waits
  EXPECT_EQ(poll_until([&] { return get(kAdmin, kPassword); }, 200), 200);
}

}  // namespace
}  // namespace archway::testing
