// The product's search syntax on the Publisher (/search, /apis?query=) and the Developer Portal.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class ApiSearch : public ServerSuite {
 protected:
  std::vector<std::string> names(const std::string& target) {
    auto r = admin("GET", target);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    auto body = json_of(r);
    for (const auto& a : body["list"].as_array()) out.push_back(str(a.at("name")));
    std::sort(out.begin(), out.end());
    return out;
  }
  void seed() {
    if (seeded_) return;
    seeded_ = true;
    create_api(api_body("PizzaShack", "/pizza", R"([{"target":"/*","verb":"GET"}])", "",
                        R"("tags":["food","italian"],"policies":["Gold"],)"));
    create_api(api_body("BurgerBar", "/burger", R"([{"target":"/*","verb":"GET"}])", "", R"("tags":["food"],)"));
    const std::string weather = create_api(api_body("Weather", "/weather", R"([{"target":"/*","verb":"GET"}])", "",
                                                    R"("policies":["Gold"],"description":"Forecasts for pizza ovens",)"));
    ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + weather + "&action=Publish").status, 200);
  }
  inline static bool seeded_ = false;
};

TEST_F(ApiSearch, PublisherSearchFiltersByPrefixesAndFreeText) {
  seed();
  EXPECT_EQ(names("/api/am/publisher/v4/search?query=name:pizza"), std::vector<std::string>{"PizzaShack"});
  EXPECT_EQ(names("/api/am/publisher/v4/search?query=tag:food"), (std::vector<std::string>{"BurgerBar", "PizzaShack"}));
  EXPECT_EQ(names("/api/am/publisher/v4/search?query=context:/burger"), std::vector<std::string>{"BurgerBar"});
  EXPECT_EQ(names("/api/am/publisher/v4/search?query=tag:food%20name:burger"), std::vector<std::string>{"BurgerBar"});
  EXPECT_EQ(names("/api/am/publisher/v4/search?query=status:published"), std::vector<std::string>{"Weather"});
  // Free text also looks at descriptions.
  EXPECT_EQ(names("/api/am/publisher/v4/search?query=pizza"), (std::vector<std::string>{"PizzaShack", "Weather"}));
  EXPECT_EQ(names("/api/am/publisher/v4/apis?query=provider:admin%20tag:italian"), std::vector<std::string>{"PizzaShack"});
  auto r = json_of(admin("GET", "/api/am/publisher/v4/search?query=name:pizza"));
  EXPECT_EQ(str(r["list"].as_array()[0].at("type")), "API");
  EXPECT_EQ(r["pagination"].at("total").as_int64(), 1);
}

TEST_F(ApiSearch, UnknownPrefixOrEmptyValueIs400) {
  auto r = admin("GET", "/api/am/publisher/v4/search?query=colour:red");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(str(json_of(r)["description"]).find("colour"), std::string::npos);
  EXPECT_EQ(admin("GET", "/api/am/publisher/v4/search?query=name:").status, 400);
  EXPECT_EQ(admin("GET", kDev + "/search?query=colour:red").status, 400);
}

TEST_F(ApiSearch, DevPortalSearchesOnlyWhatItShows) {
  seed();
  EXPECT_EQ(names(kDev + "/search?query=pizza"), std::vector<std::string>{"Weather"});  // PizzaShack is not published
  EXPECT_EQ(names(kDev + "/apis?query=name:weather"), std::vector<std::string>{"Weather"});
  EXPECT_TRUE(names(kDev + "/search?query=tag:food").empty());
}

}  // namespace
}  // namespace archway::testing
