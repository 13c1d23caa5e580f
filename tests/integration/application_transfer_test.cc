// Applications exported from one installation and imported into another (the product's CLI's
// export app / import app): settings, subscriptions by API name and version, external keys.
#include "archive/zip.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class ApplicationTransfer : public ServerSuite {
 protected:
  std::string export_zip(const std::string& query) {
    auto r = admin("GET", kDev + "/applications/export?" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
  HttpResponse import_zip(const std::string& zip, const std::string& query = "") {
    return admin_upload("POST", kDev + "/applications/import" + (query.empty() ? "" : "?" + query),
                        {{"file", zip, "app.zip", "application/zip"}});
  }
  // The exported file's JSON (the archive holds exactly one file).
  static json::object file_of(const std::string& zip) {
    const archive::ZipReadResult r = archive::read_zip(zip);
    EXPECT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.entries.size(), 1u);
    return json::parse(r.entries.at(0).data).as_object();
  }
};

TEST_F(ApplicationTransfer, AnExportedApplicationComesBackWithItsSubscriptions) {
  const std::string api = secured_api("TransferApi", "/transfer");
  Client c = application("TransferApp");
  subscribe(c.app_id, api, "Gold");
  const std::string zip = export_zip("appName=TransferApp&appOwner=admin&format=JSON&withKeys=true");
  const json::object file = file_of(zip);
  EXPECT_EQ(str(file.at("type")), "application");
  const json::object& data = file.at("data").as_object();
  EXPECT_EQ(str(data.at("applicationInfo").at("name")), "TransferApp");
  ASSERT_EQ(data.at("subscribedAPIs").as_array().size(), 1u);
  EXPECT_EQ(str(data.at("subscribedAPIs").as_array()[0].at("apiId").at("apiName")), "TransferApi");
  EXPECT_EQ(str(data.at("applicationInfo").at("keys").as_array().at(0).at("keyType")), "PRODUCTION");

  // Into the same server as another owner: a new application with the same subscription.
  auto user = admin("POST", "/api/am/admin/v4/users",
                    R"({"username":"transfer-owner","password":"password-123","roles":["subscriber"]})");
  ASSERT_EQ(user.status, 201) << user.body;
  auto r = import_zip(zip, "appOwner=transfer-owner");
  ASSERT_EQ(r.status, 201) << r.body;
  const json::object made = json_of(r);
  EXPECT_EQ(str(made.at("owner")), "transfer-owner");
  EXPECT_EQ(made.at("subscriptionCount").as_int64(), 1);
  // The resident Key Manager's secrets never leave: the keys are named as skipped.
  EXPECT_EQ(str(made.at("skippedKeys").as_array().at(0).at("keyType")), "PRODUCTION");
  const std::string id = str(made.at("applicationId"));
  auto subs = json_of(admin("GET", kDev + "/subscriptions?applicationId=" + id));
  EXPECT_EQ(str(subs["list"].as_array().at(0).at("throttlingPolicy")), "Gold");

  // Again: a conflict, unless update=true; skipSubscriptions leaves them out.
  EXPECT_EQ(import_zip(zip, "appOwner=transfer-owner").status, 409);
  auto again = import_zip(zip, "appOwner=transfer-owner&update=true");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(json_of(again).at("skippedSubscriptions").as_array().at(0).at("reason")), "already subscribed");
  auto bare = import_zip(export_zip("appName=TransferApp&appOwner=admin"), "skipSubscriptions=true&appOwner=transfer-owner&update=true");
  EXPECT_EQ(bare.status, 200) << bare.body;
}

TEST_F(ApplicationTransfer, SubscriptionsToApisThisServerLacksAreSkippedAndNamed) {
  Client c = application("LonelyApp");
  const std::string api = secured_api("GoneSoonApi", "/gone-soon");
  subscribe(c.app_id, api);
  const std::string zip = export_zip("appName=LonelyApp&appOwner=admin");  // YAML by default
  ASSERT_EQ(admin("DELETE", kDev + "/applications/" + c.app_id).status, 200);
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + api + "&action=Block").status, 200);
  auto r = import_zip(zip);
  ASSERT_EQ(r.status, 201) << r.body;
  const json::object made = json_of(r);
  EXPECT_EQ(made.at("subscriptionCount").as_int64(), 0);
  EXPECT_EQ(str(made.at("skippedSubscriptions").as_array().at(0).at("reason")), "the API is BLOCKED");
}

TEST_F(ApplicationTransfer, BadExportsAndImportsAreRefusedWithTheirReason) {
  EXPECT_EQ(admin("GET", kDev + "/applications/export?appName=Nope&appOwner=admin").status, 404);
  EXPECT_EQ(admin("GET", kDev + "/applications/export?appOwner=admin").status, 400);
  Client c = application("FormatApp");
  EXPECT_EQ(admin("GET", kDev + "/applications/export?appName=FormatApp&appOwner=admin&format=XML").status, 400);
  EXPECT_EQ(import_zip("not a zip").status, 400);
  EXPECT_EQ(import_zip(archive::write_zip({{"x/readme.txt", "hello"}})).status, 400);
  EXPECT_EQ(import_zip(archive::write_zip({{"x/app.json", R"({"type":"application","data":{}})"}})).status, 400);
  const std::string zip = export_zip("appName=FormatApp&appOwner=admin");
  EXPECT_EQ(import_zip(zip, "appOwner=no-such-user").status, 400);
  EXPECT_EQ(admin("POST", kDev + "/applications/import", "{}").status, 415);  // not multipart
  auto user = admin("POST", "/api/am/admin/v4/users",
                    R"({"username":"transfer-sub","password":"password-123","roles":["subscriber"]})");
  ASSERT_EQ(user.status, 201) << user.body;
  EXPECT_EQ(mgmt().call("GET", kDev + "/applications/export?appName=FormatApp&appOwner=admin", "", "transfer-sub",
                        "password-123")
                .status,
            403);
}

}  // namespace
}  // namespace archway::testing
