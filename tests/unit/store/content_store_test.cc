// The Store's documents, thumbnails and categories (SQLite).
#include <gtest/gtest.h>

#include <filesystem>

#include "common/ids.h"
#include "common/problem.h"
#include "store/store.h"
#include "unit/store/store_backend.h"

namespace archway::store {
namespace {

class ContentStoreTest : public testing::StoreBackendTest {
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
  domain::Api api(const std::string& name, const std::string& version = "1.0") {
    domain::Api a;
    a.id = common::new_uuid();
    a.name = name;
    a.context = "/" + name;
    a.version = version;
    a.provider = "admin";
    a.created_time = a.last_updated_time = 1;
    a.operations.push_back({"", "/*", "GET"});
    return a;
  }
  domain::Document doc(const std::string& api_id, const std::string& name, const std::string& source = "FILE") {
    domain::Document d;
    d.id = common::new_uuid();
    d.api_id = api_id;
    d.name = name;
    d.source_type = source;
    d.created_by = d.updated_by = "admin";
    return d;
  }
  static int status_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const common::ProblemError& e) {
      return e.problem().status;
    }
    return 0;
  }
  std::unique_ptr<Store> store_;
};

TEST_P(ContentStoreTest, BinaryFileContentRoundTripsExactly) {
  const auto a = api("A");
  store_->create_api(a);
  const std::string bytes("\0\x01\xff\r\n%PDF\0", 10);
  const auto d = doc(a.id, "Spec");
  store_->create_document(d, domain::StoredFile{"application/pdf", "spec.pdf", bytes});
  const auto content = store_->document_content(a.id, d.id);
  ASSERT_TRUE(content);
  EXPECT_EQ(content->data, bytes);
  EXPECT_EQ(content->file_name, "spec.pdf");
  EXPECT_EQ(content->media_type, "application/pdf");
  EXPECT_TRUE(store_->get_document(a.id, d.id)->has_content);
}

TEST_P(ContentStoreTest, DocumentNamesAreUniquePerApi) {
  const auto a = api("A");
  const auto b = api("B");
  store_->create_api(a);
  store_->create_api(b);
  store_->create_document(doc(a.id, "Guide"), std::nullopt);
  EXPECT_EQ(status_of([&] { store_->create_document(doc(a.id, "Guide"), std::nullopt); }), 409);
  EXPECT_EQ(status_of([&] { store_->create_document(doc(b.id, "Guide"), std::nullopt); }), 0);
  EXPECT_EQ(status_of([&] { store_->create_document(doc("no-such-api", "Guide"), std::nullopt); }), 404);
}

TEST_P(ContentStoreTest, ChangingTheSourceTypeDropsTheOldContent) {
  const auto a = api("A");
  store_->create_api(a);
  auto d = doc(a.id, "Guide", "INLINE");
  store_->create_document(d, domain::StoredFile{"text/plain", "", "hello"});
  d.summary = "same source type keeps the text";
  store_->update_document(d, std::nullopt);
  EXPECT_EQ(store_->document_content(a.id, d.id)->data, "hello");
  d.source_type = "FILE";
  store_->update_document(d, std::nullopt);
  EXPECT_FALSE(store_->document_content(a.id, d.id));
  EXPECT_FALSE(store_->get_document(a.id, d.id)->has_content);
}

TEST_P(ContentStoreTest, DeletingAnApiDeletesItsDocumentsAndThumbnail) {
  const auto a = api("A");
  store_->create_api(a);
  const auto d = doc(a.id, "Guide");
  store_->create_document(d, domain::StoredFile{"text/plain", "g.txt", "x"});
  store_->set_thumbnail(a.id, domain::StoredFile{"image/png", "", "\x89PNG"});
  EXPECT_TRUE(store_->get_api(a.id)->has_thumbnail);
  ASSERT_TRUE(store_->delete_api(a.id));
  EXPECT_TRUE(store_->list_documents(a.id).empty());
  EXPECT_FALSE(store_->get_document(a.id, d.id));
  EXPECT_FALSE(store_->thumbnail(a.id));
}

TEST_P(ContentStoreTest, NewVersionCopiesDocumentsAndThumbnail) {
  const auto a = api("A");
  store_->create_api(a);
  store_->create_document(doc(a.id, "Guide"), domain::StoredFile{"text/plain", "g.txt", "guide"});
  store_->set_thumbnail(a.id, domain::StoredFile{"image/gif", "", "GIF89a"});
  auto v2 = api("A", "2.0");
  v2.context = a.context;
  store_->create_api_version(v2, a.id);
  const auto docs = store_->list_documents(v2.id);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].name, "Guide");
  EXPECT_NE(docs[0].id, store_->list_documents(a.id)[0].id);
  EXPECT_EQ(store_->document_content(v2.id, docs[0].id)->data, "guide");
  EXPECT_EQ(store_->thumbnail(v2.id)->data, "GIF89a");
  EXPECT_TRUE(store_->get_api(v2.id)->has_thumbnail);
}

TEST_P(ContentStoreTest, UpdatingAnApiKeepsItsThumbnailFlag) {
  auto a = api("A");
  store_->create_api(a);
  store_->set_thumbnail(a.id, domain::StoredFile{"image/png", "", "\x89PNG"});
  a.description = "edited";
  a.has_thumbnail = false;  // what a client's PUT body would say
  store_->update_api(a);
  EXPECT_TRUE(store_->get_api(a.id)->has_thumbnail);
}

TEST_P(ContentStoreTest, CategoriesCountTheirApisAndRefuseDeletionWhileUsed) {
  domain::ApiCategory c{common::new_uuid(), "Finance", "money", 0, 1};
  store_->create_category(c);
  EXPECT_EQ(status_of([&] { store_->create_category({common::new_uuid(), "finance", "", 0, 1}); }), 409);
  auto a = api("A");
  a.categories = {"Finance"};
  store_->create_api(a);
  EXPECT_EQ(store_->get_category(c.id)->api_count, 1);
  EXPECT_EQ(status_of([&] { store_->delete_category(c.id); }), 409);
  EXPECT_TRUE(store_->get_category(c.id));
  a.categories.clear();
  store_->update_api(a);
  EXPECT_TRUE(store_->delete_category(c.id));
  EXPECT_FALSE(store_->delete_category(c.id));
}

TEST_P(ContentStoreTest, RenamingACategoryRenamesItInItsApis) {
  domain::ApiCategory c{common::new_uuid(), "Finance", "", 0, 1};
  store_->create_category(c);
  auto a = api("A");
  a.categories = {"Finance"};
  store_->create_api(a);
  c.name = "Banking";
  store_->update_category(c);
  EXPECT_EQ(store_->get_api(a.id)->categories, std::vector<std::string>{"Banking"});
  EXPECT_EQ(store_->get_category(c.id)->api_count, 1);
  ApiQuery q = parse_api_query("api-category:banking");
  EXPECT_EQ(store_->list_apis(q).total, 1);
  EXPECT_EQ(store_->list_apis(parse_api_query("api-category:finance")).total, 0);
}

TEST(ApiQueryParser, TakesTheApiCategoryPrefix) {
  const ApiQuery q = parse_api_query("api-category:Weather");
  ASSERT_EQ(q.fields.size(), 1u);
  EXPECT_EQ(q.fields[0].first, "api-category");
  EXPECT_EQ(q.fields[0].second, "weather");
}

TEST(ApiQueryParser, DoubleQuotesKeepSpacesInsideOneValue) {
  const ApiQuery q = parse_api_query(R"(api-category:"Weather Data"  tag:"open data" "credit card" pizza)");
  ASSERT_EQ(q.fields.size(), 2u);
  EXPECT_EQ(q.fields[0], (std::pair<std::string, std::string>{"api-category", "weather data"}));
  EXPECT_EQ(q.fields[1], (std::pair<std::string, std::string>{"tag", "open data"}));
  EXPECT_EQ(q.text, "credit card pizza");
}

TEST_P(ContentStoreTest, SearchWithAnUnclosedQuoteOrAnEmptyQuotedValueIs400) {
  EXPECT_EQ(status_of([] { parse_api_query(R"(name:"Pizza)"); }), 400);
  EXPECT_EQ(status_of([] { parse_api_query(R"(api-category:"")"); }), 400);
}

TEST_P(ContentStoreTest, ACategoryWithSpacesIsFoundByAQuotedQuery) {
  store_->create_category({common::new_uuid(), "Weather Data", "", 0, 1});
  auto a = api("Forecast");
  a.categories = {"Weather Data"};
  store_->create_api(a);
  EXPECT_EQ(store_->list_apis(parse_api_query(R"(api-category:"weather data")")).total, 1);
  EXPECT_EQ(store_->list_apis(parse_api_query("api-category:weather")).total, 0);  // a category is matched whole
}

ARCHWAY_STORE_BACKENDS(ContentStoreTest);

}  // namespace
}  // namespace archway::store
