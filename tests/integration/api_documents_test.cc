// API documents (inline, markdown, URL and file), their content, and thumbnails: the Publisher's
// read-write REST and the Developer Portal's read-only view.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class ApiDocuments : public ServerSuite {
 protected:
  std::string docs_of(const std::string& api) { return kApis + "/" + api + "/documents"; }
  std::string add_doc(const std::string& api, const std::string& body) {
    auto r = admin("POST", docs_of(api), body);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["documentId"]);
  }
  std::string publish(const std::string& id) {
    EXPECT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
    return id;
  }
  std::string published_api(const std::string& name) {
    return publish(create_api(api_body(name, "/" + name, R"([{"target":"/*","verb":"GET"}])", "",
                                       R"("policies":["Unlimited"],)")));
  }
  static std::string description(const HttpResponse& r) { return str(json_of(r)["description"]); }
};

TEST_F(ApiDocuments, InlineDocumentIsCreatedListedAndServedAsText) {
  const std::string api = create_api(api_body("DocsInline", "/docs-inline"));
  auto r = admin("POST", docs_of(api),
                 R"({"name":"Getting started","type":"HOWTO","summary":"First steps","sourceType":"INLINE",
                     "visibility":"API_LEVEL","inlineContent":"Call GET /hello."})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(json_of(r)["documentId"]);
  EXPECT_EQ(r.header("location"), docs_of(api) + "/" + id);
  EXPECT_EQ(str(json_of(r)["createdBy"]), "admin");
  EXPECT_TRUE(json_of(r)["hasContent"].as_bool());

  auto list = json_of(admin("GET", docs_of(api)));
  ASSERT_EQ(list["count"].as_int64(), 1);
  EXPECT_EQ(str(list["list"].as_array()[0].at("name")), "Getting started");

  auto content = admin("GET", docs_of(api) + "/" + id + "/content");
  EXPECT_EQ(content.status, 200);
  EXPECT_EQ(content.body, "Call GET /hello.");
  EXPECT_EQ(content.header("content-type").rfind("text/plain", 0), 0u);

  // New text through the product's content upload (form field inlineContent).
  auto up = admin_upload("POST", docs_of(api) + "/" + id + "/content", {{"inlineContent", "Call GET /hello twice."}});
  EXPECT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(admin("GET", docs_of(api) + "/" + id + "/content").body, "Call GET /hello twice.");
}

TEST_F(ApiDocuments, MarkdownDocumentIsServedAsMarkdown) {
  const std::string api = create_api(api_body("DocsMd", "/docs-md"));
  const std::string id = add_doc(api, R"({"name":"Guide","type":"SAMPLES","sourceType":"MARKDOWN"})");
  EXPECT_EQ(admin("GET", docs_of(api) + "/" + id + "/content").status, 404);  // no content yet
  ASSERT_EQ(admin_upload("POST", docs_of(api) + "/" + id + "/content", {{"inlineContent", "# Guide\n\n*bold*"}}).status,
            201);
  auto content = admin("GET", docs_of(api) + "/" + id + "/content");
  EXPECT_EQ(content.body, "# Guide\n\n*bold*");
  EXPECT_EQ(content.header("content-type").rfind("text/markdown", 0), 0u);
}

TEST_F(ApiDocuments, UrlDocumentRedirectsToItsAddress) {
  const std::string api = create_api(api_body("DocsUrl", "/docs-url"));
  const std::string id = add_doc(
      api, R"({"name":"Forum","type":"PUBLIC_FORUM","sourceType":"URL","sourceUrl":"https://forum.example.com/x"})");
  auto content = admin("GET", docs_of(api) + "/" + id + "/content");
  EXPECT_EQ(content.status, 303);
  EXPECT_EQ(content.header("location"), "https://forum.example.com/x");
  auto up = admin_upload("POST", docs_of(api) + "/" + id + "/content", {{"inlineContent", "x"}});
  EXPECT_EQ(up.status, 400);
  EXPECT_NE(description(up).find("sourceUrl"), std::string::npos);
}

TEST_F(ApiDocuments, FileDocumentIsServedWithItsTypeAndName) {
  const std::string api = create_api(api_body("DocsFile", "/docs-file"));
  const std::string id = add_doc(api, R"({"name":"Spec","type":"API_MESSAGE_FORMAT","sourceType":"FILE"})");
  static constexpr char kPdf[] = "%PDF-1.7\n\0\x01\x02\xff binary";
  const std::string pdf(kPdf, sizeof kPdf - 1);  // keeps the NUL inside, not the terminator
  auto up = admin_upload("POST", docs_of(api) + "/" + id + "/content",
                      {{"file", pdf, "message-format.pdf", "application/pdf"}});
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(str(json_of(up)["fileName"]), "message-format.pdf");
  auto content = admin("GET", docs_of(api) + "/" + id + "/content");
  EXPECT_EQ(content.status, 200);
  EXPECT_EQ(content.body, pdf);
  EXPECT_EQ(content.header("content-type"), "application/pdf");
  EXPECT_EQ(content.header("content-disposition"), "attachment; filename=\"message-format.pdf\"");
  EXPECT_EQ(content.header("x-content-type-options"), "nosniff");

  // A FILE document takes a file, not text; and a path in the file name is dropped.
  auto text = admin_upload("POST", docs_of(api) + "/" + id + "/content", {{"inlineContent", "x"}});
  EXPECT_EQ(text.status, 400);
  EXPECT_NE(description(text).find("'file'"), std::string::npos);
  auto pathy = admin_upload("POST", docs_of(api) + "/" + id + "/content", {{"file", "x", "../../etc/passwd", "text/plain"}});
  EXPECT_EQ(pathy.status, 201);
  EXPECT_EQ(str(json_of(pathy)["fileName"]), "passwd");
  // Not multipart at all.
  EXPECT_EQ(admin("POST", docs_of(api) + "/" + id + "/content", R"({"file":"x"})").status, 415);
}

TEST_F(ApiDocuments, OversizedFileIs400) {
  const std::string api = create_api(api_body("DocsBig", "/docs-big"));
  const std::string id = add_doc(api, R"({"name":"Big","type":"OTHER","otherTypeName":"Dump","sourceType":"FILE"})");
  auto r = admin_upload("POST", docs_of(api) + "/" + id + "/content",
                     {{"file", std::string(8 * 1024 * 1024 + 1, 'x'), "big.bin", "application/octet-stream"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(description(r).find("'file' must be at most"), std::string::npos);
  EXPECT_EQ(admin("GET", docs_of(api) + "/" + id + "/content").status, 404);
}

TEST_F(ApiDocuments, BadDocumentsAre400NamingTheField) {
  const std::string api = create_api(api_body("DocsBad", "/docs-bad"));
  auto bad = [&](const std::string& body, const std::string& field) {
    auto r = admin("POST", docs_of(api), body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(description(r).find(field), std::string::npos) << r.body;
  };
  bad(R"({"type":"HOWTO","sourceType":"INLINE"})", "'name'");
  bad(R"({"name":"a","type":"MANUAL","sourceType":"INLINE"})", "'type'");
  bad(R"({"name":"a","type":"OTHER","sourceType":"INLINE"})", "'otherTypeName'");
  bad(R"({"name":"a","type":"HOWTO","sourceType":"WORD"})", "'sourceType'");
  bad(R"({"name":"a","type":"HOWTO","sourceType":"URL"})", "'sourceUrl'");
  bad(R"({"name":"a","type":"HOWTO","sourceType":"URL","sourceUrl":"ftp://x"})", "'sourceUrl'");
  bad(R"({"name":"a","type":"HOWTO","sourceType":"INLINE","visibility":"EVERYONE"})", "'visibility'");
  bad(R"({"name":["a"],"type":"HOWTO","sourceType":"INLINE"})", "name");
  EXPECT_EQ(admin("POST", docs_of(api), "not json").status, 400);
  EXPECT_EQ(json_of(admin("GET", docs_of(api)))["count"].as_int64(), 0);
}

TEST_F(ApiDocuments, DuplicateNameIs409AndUnknownIdsAre404) {
  const std::string api = create_api(api_body("DocsDup", "/docs-dup"));
  const std::string id = add_doc(api, R"({"name":"FAQ","type":"SUPPORT_FORUM","sourceType":"INLINE"})");
  const std::string other = add_doc(api, R"({"name":"Other","type":"HOWTO","sourceType":"INLINE"})");
  auto dup = admin("POST", docs_of(api), R"({"name":"FAQ","type":"HOWTO","sourceType":"INLINE"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_NE(description(dup).find("FAQ"), std::string::npos);
  auto rename = admin("PUT", docs_of(api) + "/" + other, R"({"name":"FAQ","type":"HOWTO","sourceType":"INLINE"})");
  EXPECT_EQ(rename.status, 409);

  EXPECT_EQ(admin("GET", docs_of(api) + "/no-such-doc").status, 404);
  EXPECT_EQ(admin("GET", docs_of(api) + "/no-such-doc/content").status, 404);
  EXPECT_EQ(admin("DELETE", docs_of(api) + "/no-such-doc").status, 404);
  EXPECT_EQ(admin("GET", docs_of("no-such-api")).status, 404);
  EXPECT_EQ(admin("POST", docs_of("no-such-api"), R"({"name":"x","type":"HOWTO","sourceType":"INLINE"})").status, 404);
  EXPECT_EQ(admin("GET", docs_of("no-such-api") + "/" + id).status, 404);  // a document of another API
}

TEST_F(ApiDocuments, UpdateChangesMetadataAndDeleteRemoves) {
  const std::string api = create_api(api_body("DocsUpd", "/docs-upd"));
  const std::string id = add_doc(api, R"({"name":"Notes","type":"HOWTO","sourceType":"INLINE","inlineContent":"v1"})");
  auto put = admin("PUT", docs_of(api) + "/" + id,
                   R"({"name":"Release notes","type":"OTHER","otherTypeName":"Changelog","summary":"What changed",
                       "sourceType":"INLINE","visibility":"PRIVATE"})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto got = json_of(admin("GET", docs_of(api) + "/" + id));
  EXPECT_EQ(str(got["name"]), "Release notes");
  EXPECT_EQ(str(got["otherTypeName"]), "Changelog");
  EXPECT_EQ(str(got["visibility"]), "PRIVATE");
  EXPECT_EQ(admin("GET", docs_of(api) + "/" + id + "/content").body, "v1");  // content kept

  EXPECT_EQ(admin("DELETE", docs_of(api) + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", docs_of(api) + "/" + id).status, 404);
  EXPECT_EQ(json_of(admin("GET", docs_of(api)))["count"].as_int64(), 0);
}

TEST_F(ApiDocuments, DeletingTheApiDeletesItsDocuments) {
  const std::string api = create_api(api_body("DocsGone", "/docs-gone"));
  const std::string id = add_doc(api, R"({"name":"Gone","type":"HOWTO","sourceType":"INLINE","inlineContent":"x"})");
  ASSERT_EQ(admin("DELETE", kApis + "/" + api).status, 200);
  EXPECT_EQ(admin("GET", docs_of(api) + "/" + id).status, 404);
  // The same name and context can be used again, and the new API starts without documents.
  const std::string again = create_api(api_body("DocsGone", "/docs-gone"));
  EXPECT_EQ(json_of(admin("GET", docs_of(again)))["count"].as_int64(), 0);
}

TEST_F(ApiDocuments, CopyApiCopiesDocumentsAndThumbnail) {
  const std::string api = create_api(api_body("DocsCopy", "/docs-copy"));
  add_doc(api, R"({"name":"Guide","type":"HOWTO","sourceType":"MARKDOWN","inlineContent":"# v1 guide"})");
  const std::string file = add_doc(api, R"({"name":"Spec","type":"SAMPLES","sourceType":"FILE"})");
  ASSERT_EQ(admin_upload("POST", docs_of(api) + "/" + file + "/content", {{"file", "abc", "s.txt", "text/plain"}}).status,
            201);
  ASSERT_EQ(admin_upload("PUT", kApis + "/" + api + "/thumbnail", {{"file", kPng, "logo.png", "image/png"}}).status, 200);

  auto copy = admin("POST", kApis + "/copy-api?apiId=" + api + "&newVersion=2.0.0");
  ASSERT_EQ(copy.status, 201) << copy.body;
  const std::string v2 = str(json_of(copy)["id"]);
  EXPECT_TRUE(json_of(copy)["hasThumbnail"].as_bool());
  auto docs = json_of(admin("GET", docs_of(v2)));
  ASSERT_EQ(docs["count"].as_int64(), 2);
  for (const auto& d : docs["list"].as_array()) {
    const std::string id = str(d.at("documentId"));
    const std::string body = admin("GET", docs_of(v2) + "/" + id + "/content").body;
    EXPECT_EQ(body, str(d.at("name")) == "Guide" ? "# v1 guide" : "abc");
  }
  EXPECT_EQ(admin("GET", kApis + "/" + v2 + "/thumbnail").body, kPng);
  // The copies are the new version's own: editing them leaves the original alone.
  const std::string v2doc = str(docs["list"].as_array()[0].at("documentId"));
  ASSERT_EQ(admin("DELETE", docs_of(v2) + "/" + v2doc).status, 200);
  EXPECT_EQ(json_of(admin("GET", docs_of(api)))["count"].as_int64(), 2);
}

TEST_F(ApiDocuments, ThumbnailIsStoredCheckedAndServedWithItsType) {
  const std::string api = create_api(api_body("Thumbs", "/thumbs"));
  EXPECT_FALSE(json_of(admin("GET", kApis + "/" + api))["hasThumbnail"].as_bool());
  EXPECT_EQ(admin("GET", kApis + "/" + api + "/thumbnail").status, 404);

  auto put = admin_upload("PUT", kApis + "/" + api + "/thumbnail", {{"file", kPng, "logo.png", "image/png"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(json_of(put)["mediaType"]), "image/png");
  auto got = admin("GET", kApis + "/" + api + "/thumbnail");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, kPng);
  EXPECT_EQ(got.header("content-type"), "image/png");
  EXPECT_TRUE(json_of(admin("GET", kApis + "/" + api))["hasThumbnail"].as_bool());

  // The type comes from the bytes, not from what the client claims; SVG is served under a CSP.
  const std::string svg = R"(<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>)";
  ASSERT_EQ(admin_upload("PUT", kApis + "/" + api + "/thumbnail", {{"file", svg, "logo.png", "image/png"}}).status, 200);
  got = admin("GET", kApis + "/" + api + "/thumbnail");
  EXPECT_EQ(got.header("content-type"), "image/svg+xml");
  EXPECT_NE(got.header("content-security-policy").find("default-src 'none'"), std::string::npos);

  // An edit of the API keeps the thumbnail.
  auto api_json = json_of(admin("GET", kApis + "/" + api));
  api_json["description"] = "edited";
  api_json["hasThumbnail"] = false;
  ASSERT_EQ(admin("PUT", kApis + "/" + api, json::serialize(api_json)).status, 200);
  EXPECT_TRUE(json_of(admin("GET", kApis + "/" + api))["hasThumbnail"].as_bool());
}

TEST_F(ApiDocuments, BadThumbnailsAre400) {
  const std::string api = create_api(api_body("ThumbsBad", "/thumbs-bad"));
  auto r = admin_upload("PUT", kApis + "/" + api + "/thumbnail", {{"file", "%PDF-1.7", "x.png", "image/png"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(description(r).find("'file'"), std::string::npos);
  r = admin_upload("PUT", kApis + "/" + api + "/thumbnail", {{"image", kPng, "x.png", "image/png"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(description(r).find("'file' is required"), std::string::npos);
  r = admin_upload("PUT", kApis + "/" + api + "/thumbnail",
                {{"file", kPng + std::string(1024 * 1024, '\0'), "x.png", "image/png"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(description(r).find("at most"), std::string::npos);
  EXPECT_EQ(admin("GET", kApis + "/" + api + "/thumbnail").status, 404);
  EXPECT_EQ(admin_upload("PUT", kApis + "/no-such-api/thumbnail", {{"file", kPng, "x.png", "image/png"}}).status, 404);
}

TEST_F(ApiDocuments, DevPortalShowsApiLevelDocumentsOfPublishedApisOnly) {
  const std::string api = published_api("DocsPortal");
  const std::string shown =
      add_doc(api, R"({"name":"Public guide","type":"HOWTO","sourceType":"INLINE","inlineContent":"hello devs"})");
  const std::string priv =
      add_doc(api, R"({"name":"Internal","type":"HOWTO","sourceType":"INLINE","visibility":"PRIVATE","inlineContent":"x"})");
  const std::string dev_docs = kDev + "/apis/" + api + "/documents";
  auto list = json_of(admin("GET", dev_docs));
  ASSERT_EQ(list["count"].as_int64(), 1);
  EXPECT_EQ(str(list["list"].as_array()[0].at("name")), "Public guide");
  EXPECT_EQ(admin("GET", dev_docs + "/" + shown + "/content").body, "hello devs");
  EXPECT_EQ(admin("GET", dev_docs + "/" + priv).status, 404);
  EXPECT_EQ(admin("GET", dev_docs + "/" + priv + "/content").status, 404);
  // Read-only there.
  EXPECT_EQ(admin("POST", dev_docs, R"({"name":"x","type":"HOWTO","sourceType":"INLINE"})").status, 405);

  ASSERT_EQ(admin_upload("PUT", kApis + "/" + api + "/thumbnail", {{"file", kPng, "logo.png", "image/png"}}).status, 200);
  EXPECT_EQ(admin("GET", kDev + "/apis/" + api + "/thumbnail").body, kPng);
  EXPECT_TRUE(json_of(admin("GET", kDev + "/apis/" + api))["hasThumbnail"].as_bool());

  // An API in CREATED is not in the portal, nor are its documents.
  const std::string created = create_api(api_body("DocsHidden", "/docs-hidden"));
  const std::string hidden = add_doc(created, R"({"name":"G","type":"HOWTO","sourceType":"INLINE"})");
  EXPECT_EQ(admin("GET", kDev + "/apis/" + created + "/documents").status, 404);
  EXPECT_EQ(admin("GET", kDev + "/apis/" + created + "/documents/" + hidden).status, 404);
  EXPECT_EQ(admin("GET", kDev + "/apis/" + created + "/thumbnail").status, 404);
}

}  // namespace
}  // namespace archway::testing
