// Admin key manager discovery: an identity provider's OpenID configuration read into a key
// manager body (the product's POST /key-managers/discover).
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kDiscover = "/api/am/admin/v4/key-managers/discover";

class KeyManagerDiscovery : public ServerSuite {
 protected:
  HttpResponse discover(const std::string& url, const std::string& type = "") {
    std::vector<UploadPart> parts{{"url", url, "", ""}};
    if (!type.empty()) parts.push_back({"type", type, "", ""});
    return admin_upload("POST", kDiscover, parts);
  }
};

TEST_F(KeyManagerDiscovery, AnOpenIdConfigurationBecomesAKeyManagerBody) {
  backend_->serve_static("/idp/.well-known/openid-configuration",
                         R"({"issuer":"https://idp.example","jwks_uri":"https://idp.example/keys",)"
                         R"("token_endpoint":"https://idp.example/token","authorization_endpoint":"https://idp.example/authorize",)"
                         R"("grant_types_supported":["authorization_code","client_credentials"]})");
  auto r = discover(backend_->url("/idp/.well-known/openid-configuration"), "Okta");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object o = json_of(r);
  EXPECT_TRUE(o.at("valid").as_bool());
  const json::object& v = o.at("value").as_object();
  EXPECT_EQ(str(v.at("issuer")), "https://idp.example");
  EXPECT_EQ(str(v.at("certificates").at("value")), "https://idp.example/keys");
  EXPECT_EQ(str(v.at("tokenEndpoint")), "https://idp.example/token");
  EXPECT_EQ(str(v.at("type")), "Okta");
  EXPECT_EQ(v.at("availableGrantTypes").as_array().size(), 2u);
}

TEST_F(KeyManagerDiscovery, WhatIsNotAnOpenIdConfigurationIsReportedInvalid) {
  backend_->serve_static("/idp/not-oidc", R"({"hello":"world"})");
  auto r = discover(backend_->url("/idp/not-oidc"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(json_of(r).at("valid").as_bool());
  auto gone = discover("http://127.0.0.1:1/.well-known/openid-configuration");
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_FALSE(json_of(gone).at("valid").as_bool());
  EXPECT_EQ(discover("ftp://idp.example/x").status, 400);
  EXPECT_EQ(admin_upload("POST", kDiscover, {{"type", "Okta", "", ""}}).status, 400);
  EXPECT_EQ(admin("POST", kDiscover, "{}").status, 415);
}

}  // namespace
}  // namespace archway::testing
