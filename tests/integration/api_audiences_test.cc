// Per-API token audiences: an API listing `audiences` accepts an OAuth2 access token only when the
// token's aud claim holds one of them; other APIs take the same token as before.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class ApiAudiences : public ServerSuite {};

TEST_F(ApiAudiences, AnApiWithAudiencesAcceptsOnlyTokensIssuedForOneOfThem) {
  Client c = application("AudApp");
  const std::string open_api = secured_api("AudOpen", "/aud-open", R"("policies":["Unlimited"],)");
  const std::string api = secured_api("AudOrders", "/aud-orders", R"("policies":["Unlimited"],"audiences":["orders-api"],)");
  subscribe(c.app_id, open_api);
  subscribe(c.app_id, api);
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + api)).at("audiences"), json::array{"orders-api"});

  // The resident Key Manager's token names the application's consumer key as its audience.
  EXPECT_EQ(wait_for_call("/aud-open/1.0.0/x", c.token, 200), 200);
  auto refused = call("/aud-orders/1.0.0/x", c.token);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_NE(refused.body.find("900901"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("audience"), std::string::npos) << refused.body;

  // Listing the consumer key among the audiences admits this application's tokens.
  json::object body = json_of(admin("GET", kApis + "/" + api));
  body["audiences"] = json::array{"orders-api", json::value(c.consumer_key)};
  auto put = admin("PUT", kApis + "/" + api, json::serialize(body));
  ASSERT_EQ(put.status, 200) << put.body;
  deploy(api, create_revision(api));
  EXPECT_EQ(wait_for_call("/aud-orders/1.0.0/x", c.token, 200), 200);

  // Another application's token is still refused.
  Client other = application("AudOtherApp");
  subscribe(other.app_id, api);
  EXPECT_EQ(wait_for_call("/aud-open/1.0.0/x", other.token, 403), 403);  // not subscribed there: its token works
  EXPECT_EQ(call("/aud-orders/1.0.0/x", other.token).status, 401);
}

TEST_F(ApiAudiences, BadAudiencesAreRefused) {
  std::string many;
  for (int i = 0; i < 33; ++i) many += (i ? ",\"a" : "\"a") + std::to_string(i) + "\"";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("audiences":["has space"],)", "audiences[0]"},
      {R"("audiences":[""],)", "audiences[0]"},
      {R"("audiences":["x","x"],)", "repeats"},
      {R"("audiences":[)" + many + "],", "32"},
      {R"("audiences":"orders",)", "audiences"},
  };
  int n = 0;
  for (const auto& [extra, says] : cases) {
    auto r = admin("POST", kApis, api_body("AudBad" + std::to_string(n), "/aud-bad-" + std::to_string(n), "[]", "", extra));
    ++n;
    EXPECT_EQ(r.status, 400) << extra << " -> " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
  }
}

}  // namespace
}  // namespace archway::testing
