// The product's search syntax over the store (list_apis, search_portal_apis) and the tag counts:
// what matches, what the totals and pages hold, and that every write shows in search at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "common/ids.h"
#include "store/store.h"
#include "unit/store/store_backend.h"

namespace archway::store {
namespace {

using Names = std::vector<std::string>;

class ApiSearchTest : public testing::StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped()) return;
    store_ = open_store();
  }
  void TearDown() override {
    store_.reset();
    StoreBackendTest::TearDown();
  }

  // An API created at `created` (the lists' order), PUBLISHED and PUBLIC unless changed.
  domain::Api make(const std::string& name, std::int64_t created,
                   const std::function<void(domain::Api&)>& change = {}) {
    domain::Api a;
    a.id = common::new_uuid();
    a.name = name;
    a.context = "/" + name;
    a.version = "1.0.0";
    a.provider = "admin";
    a.lifecycle_status = "PUBLISHED";
    a.visibility = "PUBLIC";
    a.created_time = a.last_updated_time = created;
    a.operations.push_back({"", "/*", "GET"});
    if (change) change(a);
    store_->create_api(a);
    return a;
  }

  static Names names(const ApiPage& page) {
    Names out;
    for (const auto& a : page.list) out.push_back(a.name);
    return out;
  }
  // Every match of a Publisher search, in the lists' order.
  Names found(std::string_view query, const std::string& kind = "") {
    ApiQuery q = parse_api_query(query);
    q.kind = kind;
    q.limit = 1000;
    return names(store_->list_apis(q));
  }
  Names shown(std::string_view query, const PortalReader& reader) {
    ApiQuery q = parse_api_query(query);
    q.limit = 1000;
    return names(store_->search_portal_apis(reader, q));
  }

  std::unique_ptr<Store> store_;
};

TEST_P(ApiSearchTest, FreeTextFindsASubstringAnywhereInANameIgnoringCase) {
  make("PizzaShack", 1);
  make("BurgerBar", 2);
  EXPECT_EQ(found("zzash"), Names{"PizzaShack"});
  EXPECT_EQ(found("ZZASH"), Names{"PizzaShack"});
  EXPECT_EQ(found("pIzZaShAcK"), Names{"PizzaShack"});
  EXPECT_EQ(found("rger"), Names{"BurgerBar"});
  EXPECT_TRUE(found("pizzaburger").empty());
}

TEST_P(ApiSearchTest, FreeTextLooksAtEveryFieldTheDescriptionTagsAndCategories) {
  store_->create_category({common::new_uuid(), "Weather Data", "", 0, 1});
  make("Alpha", 1, [](domain::Api& a) { a.description = "Forecasts for pizza ovens"; });
  make("Beta", 2, [](domain::Api& a) { a.tags = {"Seafood"}; });
  make("Gamma", 3, [](domain::Api& a) { a.categories = {"Weather Data"}; });
  make("Delta", 4, [](domain::Api& a) { a.provider = "carol"; });
  make("Epsilon", 5, [](domain::Api& a) { a.version = "7.4.2"; });
  EXPECT_EQ(found("pizza oven"), Names{"Alpha"});
  EXPECT_EQ(found("afoo"), Names{"Beta"});
  EXPECT_EQ(found("her da"), Names{"Gamma"});
  EXPECT_EQ(found("carol"), Names{"Delta"});
  EXPECT_EQ(found("7.4.2"), Names{"Epsilon"});
  EXPECT_EQ(found("/gamm"), Names{"Gamma"});  // the context
}

TEST_P(ApiSearchTest, EachPrefixMatchesOnlyItsOwnField) {
  make("Weather", 1, [](domain::Api& a) {
    a.context = "/forecast";
    a.provider = "meteo";
    a.version = "2.1.0";
    a.description = "name context provider version";
  });
  make("Forecast", 2, [](domain::Api& a) {
    a.context = "/weather";
    a.provider = "admin";
    a.version = "1.0.0";
  });
  EXPECT_EQ(found("name:eathe"), Names{"Weather"});
  EXPECT_EQ(found("context:eathe"), Names{"Forecast"});
  EXPECT_EQ(found("name:FORECAST"), Names{"Forecast"});
  EXPECT_EQ(found("context:/FORE"), Names{"Weather"});
  EXPECT_EQ(found("provider:mete"), Names{"Weather"});
  EXPECT_EQ(found("provider:adm"), Names{"Forecast"});
  EXPECT_EQ(found("version:2.1"), Names{"Weather"});
  EXPECT_EQ(found("version:.0.0"), Names{"Forecast"});
  EXPECT_TRUE(found("name:context").empty());  // only in the description
}

TEST_P(ApiSearchTest, TagAndCategoryMatchOneWholeValueIgnoringCase) {
  store_->create_category({common::new_uuid(), "Board Games", "", 0, 1});
  store_->create_category({common::new_uuid(), "Board", "", 0, 2});
  make("Chess", 1, [](domain::Api& a) {
    a.tags = {"Strategy", "classic"};
    a.categories = {"Board Games"};
  });
  make("Go", 2, [](domain::Api& a) {
    a.tags = {"strategy game"};
    a.categories = {"Board"};
  });
  EXPECT_EQ(found("tag:strategy"), Names{"Chess"});
  EXPECT_EQ(found("tag:CLASSIC"), Names{"Chess"});
  EXPECT_EQ(found(R"(tag:"Strategy Game")"), Names{"Go"});
  EXPECT_TRUE(found("tag:strat").empty());
  EXPECT_EQ(found(R"(api-category:"board games")"), Names{"Chess"});
  EXPECT_EQ(found("api-category:BOARD"), Names{"Go"});
  EXPECT_TRUE(found("api-category:games").empty());
}

TEST_P(ApiSearchTest, StatusMatchesTheLifecycleStateWhole) {
  make("Live", 1);
  make("Draft", 2, [](domain::Api& a) { a.lifecycle_status = "CREATED"; });
  make("Proto", 3, [](domain::Api& a) { a.lifecycle_status = "PROTOTYPED"; });
  EXPECT_EQ(found("status:published"), Names{"Live"});
  EXPECT_EQ(found("lifecycle:Created"), Names{"Draft"});
  EXPECT_TRUE(found("status:publish").empty());
  EXPECT_EQ(found("status:prototyped pro"), Names{"Proto"});
}

TEST_P(ApiSearchTest, EveryTermMustHold) {
  store_->create_category({common::new_uuid(), "Food", "", 0, 1});
  make("PizzaShack", 1, [](domain::Api& a) {
    a.tags = {"food", "italian"};
    a.categories = {"Food"};
  });
  make("PizzaHut", 2, [](domain::Api& a) {
    a.tags = {"food"};
    a.lifecycle_status = "CREATED";
  });
  make("BurgerBar", 3, [](domain::Api& a) { a.tags = {"food"}; });
  EXPECT_EQ(found("tag:food name:pizza"), (Names{"PizzaShack", "PizzaHut"}));
  EXPECT_EQ(found("tag:food tag:italian"), Names{"PizzaShack"});
  EXPECT_EQ(found("tag:food status:created"), Names{"PizzaHut"});
  EXPECT_EQ(found("name:pizza api-category:food"), Names{"PizzaShack"});
  EXPECT_EQ(found("shack tag:food"), Names{"PizzaShack"});
  EXPECT_EQ(found("bar name:pizza"), Names{});
  EXPECT_EQ(found("name:pizza context:/pizzah provider:adm version:1.0 status:created tag:food"),
            Names{"PizzaHut"});
  EXPECT_TRUE(found("name:pizza context:/burger").empty());
}

TEST_P(ApiSearchTest, PercentUnderscoreBackslashAndQuotesAreLiteral) {
  make("Half", 1, [](domain::Api& a) { a.description = "50% off_today \\o/ \"quoted\""; });
  make("Other", 2, [](domain::Api& a) { a.description = "500 offXtoday"; });
  EXPECT_EQ(found("50%"), Names{"Half"});
  EXPECT_EQ(found("%"), Names{"Half"});
  EXPECT_EQ(found("_"), Names{"Half"});
  EXPECT_EQ(found("f_t"), Names{"Half"});
  EXPECT_EQ(found("\\o/"), Names{"Half"});
  EXPECT_EQ(found("\\"), Names{"Half"});
  EXPECT_TRUE(found("5%0").empty());
  EXPECT_TRUE(found("%%%").empty());
  EXPECT_TRUE(found("___").empty());
  EXPECT_TRUE(found("name:%").empty());
  // A double quote inside a term (the query parser drops unescaped ones; callers may not).
  ApiQuery q;
  q.text = "\"quoted\"";
  EXPECT_EQ(names(store_->list_apis(q)), Names{"Half"});
}

TEST_P(ApiSearchTest, TermsOfOneOrTwoCharactersStillMatch) {
  make("Ab", 1, [](domain::Api& a) { a.version = "2"; });
  make("Xyz", 2, [](domain::Api& a) { a.description = "café"; });
  make("Qb", 3, [](domain::Api& a) { a.tags = {"x"}; });
  EXPECT_EQ(found("ab"), Names{"Ab"});
  EXPECT_EQ(found("B"), (Names{"Ab", "Qb"}));
  EXPECT_EQ(found("name:y"), Names{"Xyz"});
  EXPECT_EQ(found("version:2"), Names{"Ab"});
  EXPECT_EQ(found("é"), Names{"Xyz"});   // one character of two bytes
  EXPECT_EQ(found("fé"), Names{"Xyz"});  // two characters of three bytes
  EXPECT_EQ(found("tag:x b"), Names{"Qb"});
  EXPECT_EQ(found("status:published b"), (Names{"Ab", "Qb"}));
  EXPECT_EQ(found("name:xyz version:1"), Names{"Xyz"});
  EXPECT_TRUE(found("name:xyz version:2").empty());
}

TEST_P(ApiSearchTest, KindKeepsApisAndProductsApart) {
  const auto member = make("ShopApi", 1);
  make("ShopProduct", 2, [&](domain::Api& a) {
    a.type = std::string(domain::kApiTypeProduct);
    domain::ProductApi bundled;
    bundled.api_id = member.id;
    bundled.name = member.name;
    bundled.operations.push_back({"", "/*", "GET"});
    a.product_apis.push_back(bundled);
  });
  EXPECT_EQ(found("shop", "API"), Names{"ShopApi"});
  EXPECT_EQ(found("shop", "APIPRODUCT"), Names{"ShopProduct"});
  EXPECT_EQ(found("shop"), (Names{"ShopApi", "ShopProduct"}));
  EXPECT_EQ(found("status:published", "APIPRODUCT"), Names{"ShopProduct"});
  EXPECT_EQ(found("sh", "APIPRODUCT"), Names{"ShopProduct"});
}

TEST_P(ApiSearchTest, TotalsCountEveryMatchAndPagesFollowCreationOrder) {
  for (int i = 0; i < 30; ++i)
    make("Api" + std::to_string(100 + i), 1000 - i);  // created newest first
  make("Unrelated", 1);
  ApiQuery q = parse_api_query("name:api1");
  q.limit = 7;
  q.offset = 0;
  Names all;
  for (; q.offset < 35; q.offset += q.limit) {
    const auto page = store_->list_apis(q);
    EXPECT_EQ(page.total, 30);
    for (const auto& a : page.list) all.push_back(a.name);
  }
  ASSERT_EQ(all.size(), 30u);
  EXPECT_EQ(all.front(), "Api129");  // the oldest first
  EXPECT_EQ(all.back(), "Api100");
  q.offset = 30;
  EXPECT_TRUE(store_->list_apis(q).list.empty());
  EXPECT_EQ(store_->list_apis(q).total, 30);
  // Short terms and tag-, category- or state-driven searches page alike.
  q = parse_api_query("status:published a");
  q.limit = 5;
  q.offset = 28;
  const auto tail = store_->list_apis(q);
  EXPECT_EQ(tail.total, 31);
  EXPECT_EQ(names(tail), (Names{"Api102", "Api101", "Api100"}));  // Unrelated, created first, leads
}

TEST_P(ApiSearchTest, UpdatesRenamesLifecycleChangesAndDeletesShowInSearchAtOnce) {
  store_->create_category({common::new_uuid(), "Maps", "", 0, 1});
  auto a = make("Atlas", 5, [](domain::Api& x) {
    x.tags = {"geo"};
    x.categories = {"Maps"};
    x.lifecycle_status = "CREATED";
  });
  make("Other", 2);
  auto changed = a;
  changed.description = "Street tiles";
  changed.tags = {"tiles"};
  changed.provider = "mapper";
  changed.created_time = 0;  // as a PUT's body would: the order stays the stored creation time's
  store_->update_api(changed);
  EXPECT_EQ(found("street"), Names{"Atlas"});
  EXPECT_TRUE(found("tag:geo").empty());
  EXPECT_EQ(found("tag:tiles"), Names{"Atlas"});
  EXPECT_EQ(found("provider:mapp"), Names{"Atlas"});
  EXPECT_TRUE(found("provider:admin name:atlas").empty());
  EXPECT_EQ(found("status:created"), Names{"Atlas"});  // an update keeps the stored state
  store_->change_lifecycle({{a.id, "CREATED", "PUBLISHED", "admin", 5}}, {});
  EXPECT_TRUE(found("status:created").empty());
  // ... and the stored creation time: Other, created before Atlas, stays first
  EXPECT_EQ(found("status:published"), (Names{"Other", "Atlas"}));
  EXPECT_EQ(found("r"), (Names{"Other", "Atlas"}));
  // A category renamed is found by its new name only, as field and as free text.
  auto maps = store_->list_categories().at(0);
  maps.name = "Cartography";
  store_->update_category(maps);
  EXPECT_EQ(found("api-category:cartography"), Names{"Atlas"});
  EXPECT_TRUE(found("api-category:maps").empty());
  EXPECT_EQ(found("tograph"), Names{"Atlas"});
  ASSERT_TRUE(store_->delete_api(a.id));
  EXPECT_TRUE(found("street").empty());
  EXPECT_TRUE(found("tag:tiles").empty());
  EXPECT_TRUE(found("api-category:cartography").empty());
  EXPECT_EQ(found("status:published"), Names{"Other"});
  EXPECT_EQ(found("r"), Names{"Other"});
}

TEST_P(ApiSearchTest, ANewVersionAndAnImportAreFoundAtOnce) {
  const auto v1 = make("Ledger", 1);
  auto v2 = v1;
  v2.id = common::new_uuid();
  v2.version = "2.0.0";
  v2.created_time = 2;
  store_->create_api_version(v2, v1.id);
  EXPECT_EQ(found("ledger version:2.0"), Names{"Ledger"});
  EXPECT_EQ(found("name:ledger").size(), 2u);
  ApiImport project;
  project.api = v1;
  project.api.description = "double-entry";
  project.replace = true;
  store_->import_api(project);
  EXPECT_EQ(found("double-entry"), Names{"Ledger"});
  ApiImport fresh;
  fresh.api = v1;
  fresh.api.id = common::new_uuid();
  fresh.api.name = "Journal";
  fresh.api.context = "/journal";
  store_->import_api(fresh);
  EXPECT_EQ(found("ourna"), Names{"Journal"});
}

TEST_P(ApiSearchTest, HostileQueriesMatchLiterallyAndNeverFail) {
  make("Plain", 1);
  using namespace std::string_literals;
  for (const std::string& text : std::vector<std::string>{
           "\""s, "\"\"", "a\" OR \"b", "NEAR(a b)", "*", "^pla", "pla*", "-pla", "name : pla",
           "{name}: pla", "a AND b", "\xff\xfe\xfd", "\xc3", "pl\0in"s, "'; DROP TABLE apis; --"}) {
    ApiQuery q;
    q.text = text;
    EXPECT_NO_THROW({ EXPECT_EQ(store_->list_apis(q).total, 0) << text; }) << text;
    EXPECT_NO_THROW(store_->search_portal_apis({}, q)) << text;
  }
  EXPECT_EQ(found("plain"), Names{"Plain"});
}

TEST_P(ApiSearchTest, PortalSearchShowsEachReaderOnlyWhatItMaySee) {
  make("PubMap", 10);
  make("PrivMap", 20, [](domain::Api& a) { a.visibility = "PRIVATE"; });
  make("CreatorsMap", 30, [](domain::Api& a) {
    a.visibility = "RESTRICTED";
    a.visible_roles = {"creator", "publisher"};
    a.lifecycle_status = "DEPRECATED";
  });
  make("ProtoMap", 40, [](domain::Api& a) { a.lifecycle_status = "PROTOTYPED"; });
  for (const std::string state : {"CREATED", "BLOCKED", "RETIRED"})
    make(state + "Map", 50, [&](domain::Api& a) { a.lifecycle_status = state; });
  const PortalReader anonymous;
  const PortalReader subscriber{true, false, {"subscriber"}};
  const PortalReader creator{true, false, {"subscriber", "creator", "publisher"}};
  const PortalReader admin{true, true, {"admin"}};
  for (const std::string query :
       {"map", "name:map", "ap", "status:published", "provider:admin", "version:1"}) {
    SCOPED_TRACE(query);
    const Names all = found(query);
    auto only = [&](const Names& wanted) {
      Names out;
      for (const auto& n : all)
        if (std::find(wanted.begin(), wanted.end(), n) != wanted.end()) out.push_back(n);
      return out;
    };
    EXPECT_EQ(shown(query, anonymous), only({"PubMap", "ProtoMap"}));
    EXPECT_EQ(shown(query, subscriber), only({"PubMap", "PrivMap", "ProtoMap"}));
    EXPECT_EQ(shown(query, creator), only({"PubMap", "PrivMap", "CreatorsMap", "ProtoMap"}));
    EXPECT_EQ(shown(query, admin), only({"PubMap", "PrivMap", "CreatorsMap", "ProtoMap"}));
  }
  EXPECT_TRUE(shown("status:created", admin).empty());
  EXPECT_TRUE(shown("retiredmap", admin).empty());
}

TEST_P(ApiSearchTest, PortalSearchCountsAndPagesOnlyWhatTheReaderSees) {
  for (int i = 0; i < 12; ++i)
    make("Shop" + std::to_string(10 + i), 100 + i, [&](domain::Api& a) {
      if (i % 3 == 1) a.visibility = "PRIVATE";
      if (i % 3 == 2) {
        a.visibility = "RESTRICTED";
        a.visible_roles = {"creator", "publisher"};  // both of the reader's roles: counted once
      }
    });
  const PortalReader creator{true, false, {"creator", "publisher"}};
  ApiQuery q = parse_api_query("shop");
  q.limit = 3;
  q.offset = 2;
  auto page = store_->search_portal_apis({}, q);
  EXPECT_EQ(page.total, 4);
  EXPECT_EQ(names(page), (Names{"Shop16", "Shop19"}));
  page = store_->search_portal_apis(creator, q);
  EXPECT_EQ(page.total, 12);
  EXPECT_EQ(names(page), (Names{"Shop12", "Shop13", "Shop14"}));
  q.offset = 12;
  page = store_->search_portal_apis(creator, q);
  EXPECT_EQ(page.total, 12);
  EXPECT_TRUE(page.list.empty());
  // Without terms it is the portal's list.
  q = ApiQuery{};
  q.limit = 2;
  EXPECT_EQ(names(store_->search_portal_apis({}, q)), (Names{"Shop10", "Shop13"}));
  EXPECT_EQ(store_->search_portal_apis({}, q).total, 4);
}

TEST_P(ApiSearchTest, TagCountsCountEachApiOncePerTagOverWhatTheReaderSees) {
  make("A", 1, [](domain::Api& a) { a.tags = {"food", "Food", "food"}; });
  make("B", 2, [](domain::Api& a) {
    a.tags = {"food", "drinks"};
    a.visibility = "PRIVATE";
  });
  make("C", 3, [](domain::Api& a) {
    a.tags = {"drinks"};
    a.visibility = "RESTRICTED";
    a.visible_roles = {"bar"};
  });
  make("D", 4, [](domain::Api& a) {
    a.tags = {"secret"};
    a.lifecycle_status = "CREATED";
  });
  using Counts = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(store_->tag_counts(std::nullopt),
            (Counts{{"Food", 1}, {"drinks", 2}, {"food", 2}, {"secret", 1}}));
  EXPECT_EQ(store_->tag_counts(PortalReader{}), (Counts{{"Food", 1}, {"food", 1}}));
  EXPECT_EQ(store_->tag_counts(PortalReader{true, false, {"subscriber"}}),
            (Counts{{"Food", 1}, {"drinks", 1}, {"food", 2}}));
  EXPECT_EQ(store_->tag_counts(PortalReader{true, false, {"bar"}}),
            (Counts{{"Food", 1}, {"drinks", 2}, {"food", 2}}));
  EXPECT_EQ(store_->tag_counts(PortalReader{true, true, {"admin"}}),
            (Counts{{"Food", 1}, {"drinks", 2}, {"food", 2}}));
}

ARCHWAY_STORE_BACKENDS(ApiSearchTest);

}  // namespace
}  // namespace archway::store
