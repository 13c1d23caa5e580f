// API products' documents, thumbnail and OpenAPI definition through the real binary: the
// Publisher's /api-products/{apiProductId}/documents..., /thumbnail and /swagger answer as the
// /apis ones do (same shapes, validation and errors), each collection answers 404 for an id of the
// other kind, deleting a product deletes its documents and thumbnail, and the Developer Portal
// serves a published product's documents, thumbnail and definition.
#include <map>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

const std::string kProducts = "/api/am/publisher/v4/api-products";

class ApiProductDocuments : public ServerSuite {
 protected:
  // A product bundling GET /orders and GET /orders/{id} of one API and GET /stock of another
  // (API names and contexts get `tag` appended); returns its id.
  std::string product(const std::string& tag) {
    const std::string orders = create_api(api_body("PdOrders" + tag, "/pd-orders" + tag, R"([
        {"target":"/orders","verb":"GET"},{"target":"/orders/{id}","verb":"GET"},
        {"target":"/orders","verb":"POST"}])"));
    const std::string stock =
        create_api(api_body("PdStock" + tag, "/pd-stock" + tag,
                            R"([{"target":"/stock","verb":"GET","authType":"None"}])"));
    auto r = admin(
        "POST", kProducts,
        R"({"name":"PdShop)" + tag + R"(","context":"/pd-shop)" + tag +
            R"(","policies":["Unlimited"],"apis":[{"apiId":")" + orders +
            R"(","operations":[{"target":"/orders","verb":"GET"},{"target":"/orders/{id}","verb":"GET"}]},)" +
            R"({"apiId":")" + stock + R"(","operations":[{"target":"/stock","verb":"GET"}]}]})");
    EXPECT_EQ(r.status, 201) << r.body;
    api_of_[tag] = orders;
    return r.status == 201 ? str(json_of(r).at("id")) : "";
  }
  std::string docs_of(const std::string& id) { return kProducts + "/" + id + "/documents"; }
  std::string add_doc(const std::string& id, const std::string& body) {
    auto r = admin("POST", docs_of(id), body);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["documentId"]);
  }
  HttpResponse swagger(const std::string& target, const std::string& accept = "") {
    HttpRequest req;
    req.target = target;
    req.headers = {{"Authorization", basic_auth(kAdmin, kPassword)}};
    if (!accept.empty()) req.headers.emplace_back("Accept", accept);
    return mgmt().send(req);
  }
  static std::string description(const HttpResponse& r) { return str(json_of(r)["description"]); }

  std::map<std::string, std::string> api_of_;  // tag -> the product's first API
};

TEST_F(ApiProductDocuments, InlineDocumentIsCreatedListedUpdatedServedAndDeleted) {
  const std::string id = product("Crud");
  auto r = admin(
      "POST", docs_of(id),
      R"({"name":"Getting started","type":"HOWTO","summary":"First steps","sourceType":"INLINE",
                     "visibility":"API_LEVEL","inlineContent":"Call GET /orders."})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string doc = str(json_of(r)["documentId"]);
  EXPECT_EQ(r.header("location"), docs_of(id) + "/" + doc);
  EXPECT_EQ(str(json_of(r)["createdBy"]), "admin");

  auto list = json_of(admin("GET", docs_of(id)));
  ASSERT_EQ(list["count"].as_int64(), 1);
  EXPECT_EQ(str(list["list"].as_array()[0].at("name")), "Getting started");
  EXPECT_EQ(list["pagination"].at("total").as_int64(), 1);
  EXPECT_EQ(str(json_of(admin("GET", docs_of(id) + "/" + doc))["summary"]), "First steps");
  auto content = admin("GET", docs_of(id) + "/" + doc + "/content");
  EXPECT_EQ(content.status, 200);
  EXPECT_EQ(content.body, "Call GET /orders.");

  auto put = admin(
      "PUT", docs_of(id) + "/" + doc,
      R"({"name":"Getting started","type":"HOWTO","summary":"Updated","sourceType":"MARKDOWN"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(json_of(put)["summary"]), "Updated");
  auto text =
      admin_upload("POST", docs_of(id) + "/" + doc + "/content", {{"inlineContent", "# Orders"}});
  ASSERT_EQ(text.status, 201) << text.body;
  auto md = admin("GET", docs_of(id) + "/" + doc + "/content");
  EXPECT_EQ(md.body, "# Orders");
  EXPECT_EQ(md.header("content-type"), "text/markdown; charset=utf-8");

  EXPECT_EQ(admin("DELETE", docs_of(id) + "/" + doc).status, 200);
  EXPECT_EQ(admin("GET", docs_of(id) + "/" + doc).status, 404);
  EXPECT_EQ(json_of(admin("GET", docs_of(id)))["count"].as_int64(), 0);
}

TEST_F(ApiProductDocuments, FileAndUrlDocumentsAreServedAsForApis) {
  const std::string id = product("Files");
  const std::string file =
      add_doc(id, R"({"name":"Spec","type":"API_MESSAGE_FORMAT","sourceType":"FILE"})");
  const std::string pdf("%PDF-1.7\n\0\x01 binary", 17);
  auto up = admin_upload("POST", docs_of(id) + "/" + file + "/content",
                         {{"file", pdf, "spec.pdf", "application/pdf"}});
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(str(json_of(up)["fileName"]), "spec.pdf");
  auto got = admin("GET", docs_of(id) + "/" + file + "/content");
  EXPECT_EQ(got.body, pdf);
  EXPECT_EQ(got.header("content-type"), "application/pdf");
  EXPECT_EQ(got.header("content-disposition"), "attachment; filename=\"spec.pdf\"");

  const std::string url = add_doc(
      id,
      R"({"name":"Wiki","type":"PUBLIC_FORUM","sourceType":"URL","sourceUrl":"https://wiki.example.com/shop"})");
  auto go = admin("GET", docs_of(id) + "/" + url + "/content");
  EXPECT_EQ(go.status, 303);
  EXPECT_EQ(go.header("location"), "https://wiki.example.com/shop");
}

TEST_F(ApiProductDocuments, BadDocumentsAre400NamingTheFieldAnd409ForADuplicateName) {
  const std::string id = product("Bad");
  auto bad = [&](const std::string& body, const std::string& field) {
    auto r = admin("POST", docs_of(id), body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(description(r).find(field), std::string::npos) << r.body;
  };
  bad(R"({"type":"HOWTO","sourceType":"INLINE"})", "'name'");
  bad(R"({"name":"a","type":"MANUAL","sourceType":"INLINE"})", "'type'");
  bad(R"({"name":"a","type":"HOWTO","sourceType":"URL"})", "'sourceUrl'");
  bad(R"({"name":"a","type":"HOWTO","sourceType":"INLINE","visibility":"EVERYONE"})",
      "'visibility'");
  EXPECT_EQ(admin("POST", docs_of(id), "not json").status, 400);
  EXPECT_EQ(json_of(admin("GET", docs_of(id)))["count"].as_int64(), 0);

  const std::string faq =
      add_doc(id, R"({"name":"FAQ","type":"SUPPORT_FORUM","sourceType":"INLINE"})");
  EXPECT_EQ(
      admin("POST", docs_of(id), R"({"name":"FAQ","type":"HOWTO","sourceType":"INLINE"})").status,
      409);
  // An INLINE document takes text, not a file.
  auto wrong = admin_upload("POST", docs_of(id) + "/" + faq + "/content",
                            {{"file", "x", "x.txt", "text/plain"}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(description(wrong).find("'inlineContent'"), std::string::npos) << wrong.body;
  EXPECT_EQ(admin("POST", docs_of(id) + "/" + faq + "/content", R"({"inlineContent":"x"})").status,
            415);
}

TEST_F(ApiProductDocuments, UnknownProductsDocumentsAndIdsOfTheOtherKindAre404) {
  const std::string id = product("Kinds");
  const std::string api = api_of_["Kinds"];
  const std::string doc = add_doc(id, R"({"name":"Guide","type":"HOWTO","sourceType":"INLINE"})");
  const std::string api_doc = [&] {
    auto r = admin("POST", kApis + "/" + api + "/documents",
                   R"({"name":"ApiGuide","type":"HOWTO","sourceType":"INLINE"})");
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["documentId"]);
  }();

  auto unknown = admin("GET", docs_of("no-such-product"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(description(unknown).find("API Product 'no-such-product' not found"), std::string::npos)
      << unknown.body;
  EXPECT_EQ(admin("POST", docs_of("no-such-product"),
                  R"({"name":"x","type":"HOWTO","sourceType":"INLINE"})")
                .status,
            404);
  EXPECT_EQ(admin("GET", docs_of(id) + "/no-such-doc").status, 404);
  EXPECT_EQ(admin("PUT", docs_of(id) + "/no-such-doc",
                  R"({"name":"x","type":"HOWTO","sourceType":"INLINE"})")
                .status,
            404);
  EXPECT_EQ(admin("DELETE", docs_of(id) + "/no-such-doc").status, 404);
  EXPECT_EQ(admin("GET", docs_of(id) + "/no-such-doc/content").status, 404);
  EXPECT_EQ(
      admin_upload("POST", docs_of(id) + "/no-such-doc/content", {{"inlineContent", "x"}}).status,
      404);
  EXPECT_EQ(admin("GET", kProducts + "/no-such-product/thumbnail").status, 404);
  EXPECT_EQ(admin("GET", kProducts + "/no-such-product/swagger").status, 404);

  // A product id on the API routes, an API id on the product routes: 404, as for GET of either.
  EXPECT_EQ(admin("GET", kApis + "/" + id).status, 404);
  EXPECT_EQ(admin("GET", kProducts + "/" + api).status, 404);
  EXPECT_EQ(admin("GET", kApis + "/" + id + "/documents").status, 404);
  EXPECT_EQ(admin("GET", kApis + "/" + id + "/documents/" + doc).status, 404);
  EXPECT_EQ(admin("POST", kApis + "/" + id + "/documents",
                  R"({"name":"x","type":"HOWTO","sourceType":"INLINE"})")
                .status,
            404);
  EXPECT_EQ(
      admin_upload("PUT", kApis + "/" + id + "/thumbnail", {{"file", kPng, "x.png", "image/png"}})
          .status,
      404);
  EXPECT_EQ(admin("GET", kApis + "/" + id + "/swagger").status, 404);
  auto api_on_products = admin("GET", docs_of(api));
  EXPECT_EQ(api_on_products.status, 404);
  EXPECT_NE(description(api_on_products).find("API Product"), std::string::npos);
  EXPECT_EQ(admin("GET", docs_of(api) + "/" + api_doc).status, 404);
  EXPECT_EQ(admin("DELETE", docs_of(api) + "/" + api_doc).status, 404);
  EXPECT_EQ(admin_upload("PUT", kProducts + "/" + api + "/thumbnail",
                         {{"file", kPng, "x.png", "image/png"}})
                .status,
            404);
  EXPECT_EQ(admin("GET", kProducts + "/" + api + "/swagger").status, 404);
  // Neither refusal touched the other's documents.
  EXPECT_EQ(admin("GET", kApis + "/" + api + "/documents/" + api_doc).status, 200);
  EXPECT_EQ(admin("GET", docs_of(id) + "/" + doc).status, 200);
}

TEST_F(ApiProductDocuments, ThumbnailIsStoredCheckedAndShownInTheProduct) {
  const std::string id = product("Thumb");
  EXPECT_FALSE(json_of(admin("GET", kProducts + "/" + id))["hasThumbnail"].as_bool());
  EXPECT_EQ(admin("GET", kProducts + "/" + id + "/thumbnail").status, 404);

  auto r = admin_upload("PUT", kProducts + "/" + id + "/thumbnail",
                        {{"file", "%PDF-1.7", "x.png", "image/png"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(description(r).find("'file'"), std::string::npos);
  r = admin_upload("PUT", kProducts + "/" + id + "/thumbnail",
                   {{"image", kPng, "x.png", "image/png"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(description(r).find("'file' is required"), std::string::npos);
  EXPECT_FALSE(json_of(admin("GET", kProducts + "/" + id))["hasThumbnail"].as_bool());

  auto put = admin_upload("PUT", kProducts + "/" + id + "/thumbnail",
                          {{"file", kPng, "logo.png", "image/png"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(json_of(put)["relativePath"]), kProducts + "/" + id + "/thumbnail");
  EXPECT_EQ(str(json_of(put)["mediaType"]), "image/png");
  auto got = admin("GET", kProducts + "/" + id + "/thumbnail");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, kPng);
  EXPECT_EQ(got.header("content-type"), "image/png");
  auto after = json_of(admin("GET", kProducts + "/" + id));
  EXPECT_TRUE(after["hasThumbnail"].as_bool());
  // An update keeps it.
  auto updated = admin("PUT", kProducts + "/" + id, json::serialize(after));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_TRUE(json_of(updated)["hasThumbnail"].as_bool());
  auto listed = json_of(admin("GET", kProducts + "?query=name:PdShopThumb"));
  ASSERT_EQ(listed["count"].as_int64(), 1);
  EXPECT_TRUE(listed["list"].as_array()[0].at("hasThumbnail").as_bool());
}

TEST_F(ApiProductDocuments, DeletingTheProductDeletesItsDocumentsAndThumbnail) {
  const std::string id = product("Gone");
  const std::string doc =
      add_doc(id, R"({"name":"Guide","type":"HOWTO","sourceType":"INLINE","inlineContent":"x"})");
  ASSERT_EQ(admin_upload("PUT", kProducts + "/" + id + "/thumbnail",
                         {{"file", kPng, "logo.png", "image/png"}})
                .status,
            200);
  ASSERT_EQ(admin("DELETE", kProducts + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", docs_of(id)).status, 404);
  EXPECT_EQ(admin("GET", docs_of(id) + "/" + doc + "/content").status, 404);
  EXPECT_EQ(admin("GET", kProducts + "/" + id + "/thumbnail").status, 404);
  // The bundled API and its documents stay.
  EXPECT_EQ(admin("GET", kApis + "/" + api_of_["Gone"] + "/documents").status, 200);
}

TEST_F(ApiProductDocuments, SwaggerHasEveryOperationUnderTheProductsContextAndIsValid) {
  const std::string id = product("Spec");
  auto j = swagger(kProducts + "/" + id + "/swagger");
  ASSERT_EQ(j.status, 200) << j.body;
  auto doc = json_of(j);
  EXPECT_EQ(str(doc.at("openapi")), "3.0.1");
  EXPECT_EQ(str(doc.at("info").at("title")), "PdShopSpec");
  EXPECT_EQ(str(doc.at("info").at("version")), "1.0.0");
  const auto& paths = doc.at("paths").as_object();
  EXPECT_EQ(paths.size(), 3u);
  ASSERT_TRUE(paths.contains("/orders"));
  EXPECT_FALSE(paths.at("/orders").as_object().contains("post"));  // not bundled
  const auto& get_orders = paths.at("/orders").at("get").as_object();
  EXPECT_EQ(str(get_orders.at("tags").at(0)), "PdOrdersSpec");
  EXPECT_EQ(str(get_orders.at("x-auth-type")), "Application & Application User");
  EXPECT_EQ(str(get_orders.at("x-throttling-tier")), "Unlimited");
  EXPECT_FALSE(get_orders.at("security").as_array().empty());
  const auto& by_id = paths.at("/orders/{id}").at("get").as_object();
  EXPECT_EQ(str(by_id.at("parameters").at(0).at("name")), "id");
  const auto& stock = paths.at("/stock").at("get").as_object();
  EXPECT_EQ(str(stock.at("tags").at(0)), "PdStockSpec");
  EXPECT_EQ(str(stock.at("x-auth-type")), "None");
  EXPECT_TRUE(stock.at("security").as_array().empty());
  EXPECT_TRUE(doc.at("components").at("securitySchemes").as_object().contains("default"));
  EXPECT_EQ(str(doc.at("x-wso2-basePath")), "/pd-shopSpec/1.0.0");
  const auto& servers = doc.at("servers").as_array();
  ASSERT_FALSE(servers.empty());
  for (const auto& s : servers)
    EXPECT_TRUE(str(s.at("url")).ends_with("/pd-shopSpec/1.0.0")) << str(s.at("url"));

  auto y = swagger(kProducts + "/" + id + "/swagger", "application/yaml");
  ASSERT_EQ(y.status, 200);
  EXPECT_EQ(y.header("content-type"), "application/yaml");
  EXPECT_NE(y.body.find("/pd-shopSpec/1.0.0"), std::string::npos);
  expect_valid_by_independent_validator({{"product.json", j.body}, {"product.yaml", y.body}});
}

TEST_F(ApiProductDocuments, DevPortalServesAPublishedProductsDocumentsThumbnailAndSwagger) {
  const std::string id = product("Portal");
  const std::string shown = add_doc(
      id,
      R"({"name":"Public guide","type":"HOWTO","sourceType":"INLINE","inlineContent":"hello devs"})");
  const std::string priv = add_doc(
      id, R"({"name":"Internal","type":"HOWTO","sourceType":"INLINE","visibility":"PRIVATE"})");
  ASSERT_EQ(admin_upload("PUT", kProducts + "/" + id + "/thumbnail",
                         {{"file", kPng, "logo.png", "image/png"}})
                .status,
            200);
  const std::string dev = kDev + "/apis/" + id;
  // Not in the portal before it is published.
  EXPECT_EQ(admin("GET", dev + "/documents").status, 404);
  EXPECT_EQ(admin("GET", dev + "/thumbnail").status, 404);
  EXPECT_EQ(admin("GET", dev + "/swagger").status, 404);

  ASSERT_EQ(
      admin("POST", kProducts + "/change-lifecycle?apiProductId=" + id + "&action=Publish").status,
      200);
  auto listed = json_of(admin("GET", dev));
  EXPECT_EQ(str(listed["type"]), "APIPRODUCT");
  EXPECT_TRUE(listed["hasThumbnail"].as_bool());
  auto list = json_of(admin("GET", dev + "/documents"));
  ASSERT_EQ(list["count"].as_int64(), 1);
  EXPECT_EQ(str(list["list"].as_array()[0].at("name")), "Public guide");
  EXPECT_EQ(admin("GET", dev + "/documents/" + shown + "/content").body, "hello devs");
  EXPECT_EQ(admin("GET", dev + "/documents/" + priv).status, 404);
  EXPECT_EQ(admin("GET", dev + "/thumbnail").body, kPng);

  auto sw = swagger(dev + "/swagger");
  ASSERT_EQ(sw.status, 200) << sw.body;
  auto doc = json_of(sw);
  EXPECT_EQ(doc.at("paths").as_object().size(), 3u);
  EXPECT_EQ(str(doc.at("x-wso2-basePath")), "/pd-shopPortal/1.0.0");
  auto y = swagger(dev + "/swagger", "application/yaml");
  ASSERT_EQ(y.status, 200);
  expect_valid_by_independent_validator(
      {{"portal-product.json", sw.body}, {"portal-product.yaml", y.body}});
}

}  // namespace
}  // namespace archway::testing
