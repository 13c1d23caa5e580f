// Admin API categories, the categories and business information APIs carry, and the Developer
// Portal's category list and api-category: search.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

const std::string kCategories = "/api/am/admin/v4/api-categories";

class ApiCategories : public ServerSuite {
 protected:
  std::string category(const std::string& name, const std::string& description = "") {
    auto r = admin("POST", kCategories, R"({"name":")" + name + R"(","description":")" + description + R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["id"]);
  }
  static std::string description(const HttpResponse& r) { return str(json_of(r)["description"]); }
  std::vector<std::string> names(const std::string& target) {
    auto r = admin("GET", target);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const auto body = json_of(r);
    for (const auto& a : body.at("list").as_array()) out.push_back(str(a.at("name")));
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(ApiCategories, AdminCreatesListsUpdatesAndDeletesCategories) {
  auto r = admin("POST", kCategories, R"({"name":"Travel","description":"Trips and bookings"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(json_of(r)["id"]);
  EXPECT_EQ(r.header("location"), kCategories + "/" + id);
  EXPECT_EQ(json_of(r)["numberOfAPIs"].as_int64(), 0);

  auto list = json_of(admin("GET", kCategories));
  bool found = false;
  for (const auto& c : list["list"].as_array()) found = found || str(c.at("name")) == "Travel";
  EXPECT_TRUE(found);

  auto put = admin("PUT", kCategories + "/" + id, R"({"name":"Travel","description":"Flights"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(json_of(admin("GET", kCategories + "/" + id))["description"]), "Flights");

  EXPECT_EQ(admin("DELETE", kCategories + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", kCategories + "/" + id).status, 404);
  EXPECT_EQ(admin("DELETE", kCategories + "/" + id).status, 404);
  EXPECT_EQ(admin("PUT", kCategories + "/" + id, R"({"name":"Travel"})").status, 404);
}

TEST_F(ApiCategories, BadOrDuplicateCategoriesAreRefused) {
  category("Weather");
  auto dup = admin("POST", kCategories, R"({"name":"weather"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_NE(description(dup).find("weather"), std::string::npos);
  auto none = admin("POST", kCategories, R"({"description":"no name"})");
  EXPECT_EQ(none.status, 400);
  EXPECT_NE(description(none).find("'name'"), std::string::npos);
  auto type = admin("POST", kCategories, R"({"name":42})");
  EXPECT_EQ(type.status, 400);
  auto longdesc = admin("POST", kCategories, R"({"name":"Long","description":")" + std::string(1100, 'x') + R"("})");
  EXPECT_EQ(longdesc.status, 400);
  EXPECT_NE(description(longdesc).find("'description'"), std::string::npos);
  // Renaming onto another category's name conflicts too.
  const std::string other = category("Maps");
  EXPECT_EQ(admin("PUT", kCategories + "/" + other, R"({"name":"WEATHER"})").status, 409);
  // Only admins manage categories.
  HttpClient c = mgmt();
  EXPECT_EQ(c.call("POST", kCategories, R"({"name":"Anon"})", "", "").status, 401);
}

TEST_F(ApiCategories, ApisNameCategoriesAndUnknownOnesAre400) {
  category("Finance");
  auto r = admin("POST", kApis, api_body("Ledger", "/ledger", R"([{"target":"/*","verb":"GET"}])", "",
                                          R"("categories":["finance"],)"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(str(json_of(r)["categories"].as_array()[0]), "Finance");  // spelled as the Admin did

  auto bad = admin("POST", kApis, api_body("Ledger2", "/ledger2", R"([{"target":"/*","verb":"GET"}])", "",
                                            R"("categories":["Finance","Astrology"],)"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(description(bad).find("'categories[1]'"), std::string::npos);
  EXPECT_NE(description(bad).find("Astrology"), std::string::npos);
  auto type = admin("POST", kApis, api_body("Ledger3", "/ledger3", R"([{"target":"/*","verb":"GET"}])", "",
                                             R"("categories":"Finance",)"));
  EXPECT_EQ(type.status, 400);
}

TEST_F(ApiCategories, CategoryInUseCannotBeDeletedAndRenamesReachItsApis) {
  const std::string id = category("Health");
  const std::string api = create_api(
      api_body("Clinic", "/clinic", R"([{"target":"/*","verb":"GET"}])", "", R"("categories":["Health"],)"));
  EXPECT_EQ(json_of(admin("GET", kCategories + "/" + id))["numberOfAPIs"].as_int64(), 1);
  auto del = admin("DELETE", kCategories + "/" + id);
  EXPECT_EQ(del.status, 409);
  EXPECT_NE(description(del).find("Health"), std::string::npos);

  ASSERT_EQ(admin("PUT", kCategories + "/" + id, R"({"name":"Healthcare"})").status, 200);
  auto got = json_of(admin("GET", kApis + "/" + api));
  EXPECT_EQ(str(got["categories"].as_array()[0]), "Healthcare");

  got["categories"] = json::array();
  ASSERT_EQ(admin("PUT", kApis + "/" + api, json::serialize(got)).status, 200);
  EXPECT_EQ(admin("DELETE", kCategories + "/" + id).status, 200);
}

TEST_F(ApiCategories, DevPortalListsCategoriesAndFiltersApisByThem) {
  category("Sports", "Scores and fixtures");
  category("Music");
  const std::string football = create_api(api_body("Football", "/football", R"([{"target":"/*","verb":"GET"}])", "",
                                                   R"("policies":["Unlimited"],"categories":["Sports"],)"));
  const std::string concerts = create_api(api_body("Concerts", "/concerts", R"([{"target":"/*","verb":"GET"}])", "",
                                                   R"("policies":["Unlimited"],"categories":["Music"],)"));
  const std::string draft = create_api(api_body("Tennis", "/tennis", R"([{"target":"/*","verb":"GET"}])", "",
                                                R"("policies":["Unlimited"],"categories":["Sports"],)"));
  (void)draft;  // stays CREATED: not in the portal
  for (const auto& id : {football, concerts})
    ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);

  auto cats = names(kDev + "/api-categories");
  EXPECT_NE(std::find(cats.begin(), cats.end(), "Sports"), cats.end());
  EXPECT_NE(std::find(cats.begin(), cats.end(), "Music"), cats.end());
  EXPECT_EQ(names(kDev + "/apis?query=api-category:Sports"), std::vector<std::string>{"Football"});
  EXPECT_EQ(names(kDev + "/apis?query=api-category:music"), std::vector<std::string>{"Concerts"});
  EXPECT_EQ(names("/api/am/publisher/v4/apis?query=api-category:sports"),
            (std::vector<std::string>{"Football", "Tennis"}));
  EXPECT_TRUE(names(kDev + "/apis?query=api-category:Nothing").empty());

  category("Board Games");  // a name with a space is searched for in double quotes
  const std::string chess = create_api(api_body("Chess", "/chess", R"([{"target":"/*","verb":"GET"}])", "",
                                                R"("policies":["Unlimited"],"categories":["Board Games"],)"));
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + chess + "&action=Publish").status, 200);
  EXPECT_EQ(names(kDev + "/apis?query=api-category:%22board%20games%22"), std::vector<std::string>{"Chess"});
  EXPECT_EQ(admin("GET", kDev + "/apis?query=api-category:%22board").status, 400);
  auto one = json_of(admin("GET", kDev + "/apis/" + football));
  EXPECT_EQ(str(one["categories"].as_array()[0]), "Sports");
}

TEST_F(ApiCategories, BusinessInformationIsStoredAndShownInBothPortals) {
  const std::string body = api_body("Payroll", "/payroll", R"([{"target":"/*","verb":"GET"}])", "",
                                    R"("policies":["Unlimited"],"businessInformation":{"businessOwner":"Ann Lee",
                                       "businessOwnerEmail":"ann@example.com","technicalOwner":"Tom Ng",
                                       "technicalOwnerEmail":"tom@example.com"},)");
  auto r = admin("POST", kApis, body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(json_of(r)["id"]);
  auto info = json_of(admin("GET", kApis + "/" + id))["businessInformation"].as_object();
  EXPECT_EQ(str(info["businessOwner"]), "Ann Lee");
  EXPECT_EQ(str(info["technicalOwnerEmail"]), "tom@example.com");
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  auto dev = json_of(admin("GET", kDev + "/apis/" + id))["businessInformation"].as_object();
  EXPECT_EQ(str(dev["businessOwnerEmail"]), "ann@example.com");
  EXPECT_EQ(str(dev["technicalOwner"]), "Tom Ng");

  // An update that breaks an address is refused, naming the field, and changes nothing.
  auto api = json_of(admin("GET", kApis + "/" + id));
  api["businessInformation"].as_object()["technicalOwnerEmail"] = "tom at example";
  auto bad = admin("PUT", kApis + "/" + id, json::serialize(api));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(description(bad).find("'businessInformation.technicalOwnerEmail'"), std::string::npos);
  EXPECT_EQ(str(json_of(admin("GET", kApis + "/" + id))["businessInformation"].at("technicalOwnerEmail")),
            "tom@example.com");
  auto type = admin("POST", kApis, api_body("Payroll2", "/payroll2", R"([{"target":"/*","verb":"GET"}])", "",
                                             R"("businessInformation":{"businessOwnerEmail":7},)"));
  EXPECT_EQ(type.status, 400);
  EXPECT_NE(description(type).find("businessInformation.businessOwnerEmail"), std::string::npos);
}

}  // namespace
}  // namespace archway::testing
