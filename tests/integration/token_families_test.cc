// Token families (RFC 9700 §4.14, RFC 6749 §4.1.2): a used refresh token or authorization code
// presented again is refused and revokes every token of its grant chain at the gateway, while
// other grants of the same client and user keep working.
#include <latch>
#include <regex>
#include <thread>

#include "crypto/base64url.h"
#include "crypto/random.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kCallback = "https://families.example/cb";

class TokenFamilies : public ServerSuite {
 protected:

  struct Grant {
    std::string access;
    std::string refresh;
  };
  static Grant grant_of(const HttpResponse& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    auto o = json_of(r);
    return {str(o["access_token"]), o.contains("refresh_token") ? str(o["refresh_token"]) : ""};
  }
  HttpResponse password_grant(const Client& c) {
    return form("/oauth2/token", std::string("grant_type=password&username=admin&password=") + kPassword,
                c.consumer_key, c.consumer_secret);
  }
  HttpResponse refresh(const Client& c, const std::string& refresh_token) {
    return form("/oauth2/token", "grant_type=refresh_token&refresh_token=" + refresh_token, c.consumer_key,
                c.consumer_secret);
  }

  // A secured API with an application subscribed to it, ready at the gateway.
  Client subscribed_client(const std::string& name) {
    const std::string api = secured_api(name, "/" + name);
    Client c = application(name + "App");
    subscribe(c.app_id, api);
    EXPECT_EQ(wait_for_call(path(name), c.token, 200), 200);
    return c;
  }
  static std::string path(const std::string& name) { return "/" + name + "/1.0.0/x"; }

  // An application whose client uses the authorization code flow, subscribed to a secured API.
  Client code_client(const std::string& name) {
    const std::string api = secured_api(name, "/" + name);
    auto a = admin("POST", kDev + "/applications", R"({"name":")" + name + R"(App"})");
    EXPECT_EQ(a.status, 201) << a.body;
    Client c;
    c.app_id = str(json_of(a)["applicationId"]);
    auto k = admin("POST", kDev + "/applications/" + c.app_id + "/generate-keys",
                   R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["authorization_code","refresh_token"],)"
                   R"("callbackUrl":")" + kCallback + R"("})");
    EXPECT_EQ(k.status, 200) << k.body;
    c.consumer_key = str(json_of(k)["consumerKey"]);
    c.consumer_secret = str(json_of(k)["consumerSecret"]);
    subscribe(c.app_id, api);
    return c;
  }

  // Signs admin in at /oauth2/authorize as a browser does (sending back every hidden field and
  // cookie of the page) and returns the code.
  std::string authorization_code(const Client& c, const std::string& verifier) {
    const std::string challenge = crypto::base64url_encode(crypto::sha256(verifier));
    const std::string query = "response_type=code&client_id=" + c.consumer_key + "&redirect_uri=" + enc(kCallback) +
                              "&state=st&code_challenge=" + challenge + "&code_challenge_method=S256";
    auto page = mgmt().get("/oauth2/authorize?" + query);
    EXPECT_EQ(page.status, 200) << page.body;
    std::string fields;
    static const std::regex kHidden(R"re(<input type="hidden" name="([^"]*)" value="([^"]*)">)re");
    for (std::sregex_iterator it(page.body.begin(), page.body.end(), kHidden), end; it != end; ++it)
      fields += (fields.empty() ? "" : "&") + (*it)[1].str() + "=" + enc(unescape((*it)[2].str()));
    const std::string cookie = page.header("set-cookie").substr(0, page.header("set-cookie").find(';'));
    auto back = form("/oauth2/authorize", fields + "&username=admin&password=" + enc(kPassword), "", "", cookie);
    EXPECT_EQ(back.status, 302) << back.body;
    const std::string location = back.header("location");
    EXPECT_TRUE(location.starts_with(kCallback + "?code=")) << location;
    const auto start = location.find("code=") + 5;
    return location.substr(start, location.find('&', start) - start);
  }
  static std::string unescape(std::string s) {
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
      for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
        s.replace(p, from.size(), to);
    return s;
  }
  HttpResponse exchange(const Client& c, const std::string& code, const std::string& verifier) {
    return form("/oauth2/token",
                "grant_type=authorization_code&code=" + code + "&redirect_uri=" + enc(kCallback) +
                    "&code_verifier=" + verifier,
                c.consumer_key, c.consumer_secret);
  }
  static std::string new_verifier() { return crypto::base64url_encode(crypto::random_bytes(40)); }
  static std::string error_of(const HttpResponse& r) {
    return r.status == 400 ? str(json_of(r)["error"]) : "status " + std::to_string(r.status) + ": " + r.body;
  }
};

TEST_F(TokenFamilies, RefreshTokenReuseRevokesEveryTokenOfTheGrantAtTheGateway) {
  const Client c = subscribed_client("famreuse");
  const Grant first = grant_of(password_grant(c));
  ASSERT_FALSE(first.refresh.empty());
  ASSERT_EQ(wait_for_call(path("famreuse"), first.access, 200), 200);
  const Grant second = grant_of(refresh(c, first.refresh));
  ASSERT_EQ(call(path("famreuse"), second.access).status, 200);

  // The first refresh token again: whoever holds it is not the client that rotated it.
  EXPECT_EQ(error_of(refresh(c, first.refresh)), "invalid_grant");
  EXPECT_EQ(wait_for_call(path("famreuse"), first.access, 401), 401);
  EXPECT_EQ(wait_for_call(path("famreuse"), second.access, 401), 401);
  EXPECT_EQ(error_of(refresh(c, second.refresh)), "invalid_grant");  // the newest one too
  auto intro = form("/oauth2/introspect", "token=" + second.access, c.consumer_key, c.consumer_secret);
  EXPECT_EQ(json_of(intro)["active"], false);
  EXPECT_EQ(call(path("famreuse"), c.token).status, 200);  // a token of no family (client credentials)
}

TEST_F(TokenFamilies, AuthorizationCodeReuseRevokesTheTokensIssuedForIt) {
  const Client c = code_client("famcode");
  const std::string verifier = new_verifier();
  const std::string code = authorization_code(c, verifier);
  const Grant issued = grant_of(exchange(c, code, verifier));
  ASSERT_FALSE(issued.refresh.empty());
  ASSERT_EQ(wait_for_call(path("famcode"), issued.access, 200), 200);

  EXPECT_EQ(error_of(exchange(c, code, verifier)), "invalid_grant");
  EXPECT_EQ(wait_for_call(path("famcode"), issued.access, 401), 401);
  EXPECT_EQ(error_of(refresh(c, issued.refresh)), "invalid_grant");
}

TEST_F(TokenFamilies, FailedPkceVerificationConsumesTheCodeAndRevokesNothingElse) {
  const Client c = code_client("fampkce");
  const std::string earlier_verifier = new_verifier();
  const Grant earlier = grant_of(exchange(c, authorization_code(c, earlier_verifier), earlier_verifier));
  ASSERT_EQ(wait_for_call(path("fampkce"), earlier.access, 200), 200);

  const std::string verifier = new_verifier();
  const std::string code = authorization_code(c, verifier);
  EXPECT_EQ(error_of(exchange(c, code, new_verifier())), "invalid_grant");
  EXPECT_EQ(error_of(exchange(c, code, verifier)), "invalid_grant");  // one guess, then the code is gone
  // No token was issued for that code; the earlier sign-in of the same client and user is untouched.
  EXPECT_EQ(call(path("fampkce"), earlier.access).status, 200);
  const Grant refreshed = grant_of(refresh(c, earlier.refresh));
  EXPECT_EQ(wait_for_call(path("fampkce"), refreshed.access, 200), 200);
}

TEST_F(TokenFamilies, OtherFamiliesOfTheSameClientAndUserStayValid) {
  const Client c = subscribed_client("famother");
  const Grant stolen = grant_of(password_grant(c));
  const Grant kept = grant_of(password_grant(c));
  ASSERT_EQ(wait_for_call(path("famother"), kept.access, 200), 200);
  const Grant rotated = grant_of(refresh(c, stolen.refresh));
  EXPECT_EQ(error_of(refresh(c, stolen.refresh)), "invalid_grant");
  EXPECT_EQ(wait_for_call(path("famother"), rotated.access, 401), 401);

  EXPECT_EQ(call(path("famother"), kept.access).status, 200);
  const Grant next = grant_of(refresh(c, kept.refresh));
  EXPECT_EQ(call(path("famother"), next.access).status, 200);
  EXPECT_EQ(grant_of(refresh(c, next.refresh)).access.empty(), false);
}

TEST_F(TokenFamilies, ConcurrentUsesOfOneRefreshTokenLetExactlyOneWinAndRevokeTheFamily) {
  const Client c = subscribed_client("famrace");
  const Grant first = grant_of(password_grant(c));
  ASSERT_EQ(wait_for_call(path("famrace"), first.access, 200), 200);
  constexpr int kRacers = 4;
  std::vector<HttpResponse> answers(kRacers);
  std::latch start(kRacers);
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i)
    racers.emplace_back([&, i] {
      HttpClient client("127.0.0.1", server_->management_port());
      HttpRequest r;
      r.method = "POST";
      r.target = "/oauth2/token";
      r.body = "grant_type=refresh_token&refresh_token=" + first.refresh;
      r.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Authorization", basic_auth(c.consumer_key, c.consumer_secret)}};
      start.arrive_and_wait();
      answers[i] = client.send(r);
    });
  for (auto& t : racers) t.join();
  std::vector<Grant> winners;
  for (const auto& a : answers) {
    if (a.status == 200) winners.push_back(grant_of(a));
    else EXPECT_EQ(error_of(a), "invalid_grant");
  }
  ASSERT_EQ(winners.size(), 1u);
  EXPECT_EQ(wait_for_call(path("famrace"), winners[0].access, 401), 401);
  EXPECT_EQ(wait_for_call(path("famrace"), first.access, 401), 401);
  EXPECT_EQ(error_of(refresh(c, winners[0].refresh)), "invalid_grant");
}

}  // namespace
}  // namespace archway::testing
