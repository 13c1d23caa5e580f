// Comments on APIs (Publisher and Developer Portal, one level of replies, edits by the author,
// deletion by the author or an admin) and users' ratings (DevPortal, 1 to 5, averaged into the
// API's avgRating); both follow the portal's visibility rules and go with a deleted API.
#include "integration/fixture.h"
#include "store/sqlite/sqlite_db.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kUsers = "/api/am/admin/v4/users";
const std::string kPw = "password-123";

class ApiComments : public ServerSuite {
 protected:
  HttpResponse as(const std::string& user, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    return mgmt().call(method, target, body, user, kPw);
  }
  HttpResponse anon(const std::string& method, const std::string& target, const std::string& body = "") {
    return mgmt().call(method, target, body, "", "");
  }
  void make_user(const std::string& name, const std::string& role) {
    auto r = admin("POST", kUsers,
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":[")" + role + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // A PUBLISHED API (not deployed: the portal shows it all the same); `extra` adds fields.
  std::string published(const std::string& name, const std::string& extra = "") {
    const std::string id = create_api(
        api_body(name, "/" + name, R"([{"target":"/*","verb":"GET"}])", "", R"("policies":["Unlimited"],)" + extra));
    auto r = admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish");
    EXPECT_EQ(r.status, 200) << r.body;
    return id;
  }
  static std::string comments_of(const std::string& base, const std::string& api) {
    return base + "/" + api + "/comments";
  }
  // Posts a comment as `user` (admin when empty); returns its id.
  std::string comment(const std::string& target, const std::string& content, const std::string& user = "") {
    const std::string body = R"({"content":")" + content + R"("})";
    auto r = user.empty() ? admin("POST", target, body) : as(user, "POST", target, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(json_of(r)["id"]) : "";
  }
  // How many rows of `table` name the API (the stored state behind the REST view).
  std::int64_t rows_of(const std::string& table, const std::string& api) {
    store::sqlite::Db db(server_->data_dir() + "/archway.db");
    store::sqlite::Stmt s = db.prepare("SELECT COUNT(*) FROM " + table + " WHERE api_id = ?");
    s.bind(1, api);
    s.step();
    return s.integer(0);
  }
};

TEST_F(ApiComments, PublisherCommentsAreListedNewestFirstWithTheirReplies) {
  const std::string api = create_api(api_body("ComPub", "/compub"));
  const std::string base = comments_of(kApis, api);
  auto first = admin("POST", base, R"({"content":"First thoughts","category":"review"})");
  ASSERT_EQ(first.status, 201) << first.body;
  auto c = json_of(first);
  const std::string first_id = str(c["id"]);
  EXPECT_EQ(first.header("location"), base + "/" + first_id);
  EXPECT_EQ(str(c["content"]), "First thoughts");
  EXPECT_EQ(str(c["category"]), "review");
  EXPECT_EQ(str(c["createdBy"]), "admin");
  EXPECT_EQ(str(c["entryPoint"]), "publisher");
  EXPECT_TRUE(c["parentCommentId"].is_null());
  EXPECT_FALSE(c.contains("commenterInfo"));
  EXPECT_EQ(c["replies"].at("count"), 0);
  const std::string second_id = comment(base, "Second");
  EXPECT_EQ(str(json_of(admin("GET", base + "/" + second_id))["category"]), "general");

  auto reply = admin("POST", base + "?replyTo=" + first_id, R"({"content":"A reply"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  const std::string reply_id = str(json_of(reply)["id"]);
  EXPECT_EQ(str(json_of(reply)["parentCommentId"]), first_id);
  comment(base + "?replyTo=" + first_id, "Another reply");

  auto list = admin("GET", base + "?includeCommenterInfo=true");
  ASSERT_EQ(list.status, 200) << list.body;
  auto l = json_of(list);
  ASSERT_EQ(l["count"], 2) << list.body;  // replies are not top-level comments
  EXPECT_EQ(l["pagination"].at("total"), 2);
  const auto& newest = l["list"].as_array()[0].as_object();
  EXPECT_EQ(str(newest.at("id")), second_id);
  const auto& oldest = l["list"].as_array()[1].as_object();
  EXPECT_EQ(str(oldest.at("id")), first_id);
  EXPECT_EQ(oldest.at("replies").at("count"), 2);
  EXPECT_EQ(str(oldest.at("replies").at("list").as_array()[0].at("id")), reply_id);  // replies oldest first
  EXPECT_EQ(str(oldest.at("commenterInfo").at("fullName")), "admin");

  auto page = json_of(admin("GET", base + "?limit=1&offset=1"));
  EXPECT_EQ(page["count"], 1);
  EXPECT_EQ(str(page["list"].as_array()[0].at("id")), first_id);
  EXPECT_EQ(str(page["pagination"].at("previous")), base + "?limit=1&offset=0");
  EXPECT_EQ(str(page["pagination"].at("next")), "");

  auto one = json_of(admin("GET", base + "/" + first_id + "?replyLimit=1&replyOffset=1"));
  EXPECT_EQ(one["replies"].at("count"), 1);
  EXPECT_EQ(one["replies"].at("pagination").at("total"), 2);
  EXPECT_NE(str(one["replies"].at("list").as_array()[0].at("id")), reply_id);

  auto replies = admin("GET", base + "/" + first_id + "/replies?limit=1");
  ASSERT_EQ(replies.status, 200) << replies.body;
  auto r = json_of(replies);
  EXPECT_EQ(r["count"], 1);
  EXPECT_EQ(str(r["pagination"].at("next")), base + "/" + first_id + "/replies?limit=1&offset=1");
}

TEST_F(ApiComments, OnlyTheAuthorEditsACommentAndTheAuthorOrAnAdminDeletesIt) {
  make_user("com-cre", "creator");
  make_user("com-pub", "publisher");
  const std::string api = create_api(api_body("ComEdit", "/comedit"));
  const std::string base = comments_of(kApis, api);
  const std::string id = comment(base, "Draft remark", "com-cre");

  EXPECT_EQ(as("com-pub", "PATCH", base + "/" + id, R"({"content":"Hijacked"})").status, 403);
  EXPECT_EQ(admin("PATCH", base + "/" + id, R"({"content":"Not even the admin"})").status, 403);
  auto edited = as("com-cre", "PATCH", base + "/" + id, R"({"content":"Final remark"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(str(json_of(edited)["content"]), "Final remark");
  EXPECT_EQ(str(json_of(edited)["category"]), "general");
  auto recategorised = as("com-cre", "PATCH", base + "/" + id, R"({"category":"question"})");
  ASSERT_EQ(recategorised.status, 200) << recategorised.body;
  auto stored = json_of(admin("GET", base + "/" + id));
  EXPECT_EQ(str(stored["content"]), "Final remark");
  EXPECT_EQ(str(stored["category"]), "question");

  EXPECT_EQ(as("com-pub", "DELETE", base + "/" + id).status, 403);
  EXPECT_EQ(admin("GET", base + "/" + id).status, 200);
  const std::string own = comment(base, "Mine", "com-pub");
  EXPECT_EQ(as("com-pub", "DELETE", base + "/" + own).status, 200);
  EXPECT_EQ(admin("GET", base + "/" + own).status, 404);

  // An admin moderates; a comment's replies go with it.
  const std::string reply = comment(base + "?replyTo=" + id, "A reply", "com-pub");
  EXPECT_EQ(admin("DELETE", base + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", base + "/" + id).status, 404);
  EXPECT_EQ(admin("GET", base + "/" + reply).status, 404);
  EXPECT_EQ(admin("DELETE", base + "/" + id).status, 404);
  EXPECT_EQ(rows_of("api_comments", api), 0);
}

TEST_F(ApiComments, BadCommentBodiesAndParametersAreRefusedWith400) {
  const std::string api = create_api(api_body("ComBad", "/combad"));
  const std::string base = comments_of(kApis, api);
  for (const std::string& body : std::vector<std::string>{"", "not json", "[]", "{}", R"({"content":""})", R"({"content":"   "})", R"({"content":42})",
        R"({"content":"ok","category":""})", R"({"content":"ok","category":7})",
        R"({"content":"a\u0000b"})", R"({"content":")" + std::string(513, 'x') + R"("})"}) {
    auto r = admin("POST", base, body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_EQ(json_of(r)["code"], 400) << r.body;
  }
  // 512 characters is the limit, counted as characters, not bytes.
  std::string accented;
  for (int i = 0; i < 512; ++i) accented += "\xc3\xa9";
  EXPECT_EQ(admin("POST", base, R"({"content":")" + accented + R"("})").status, 201);
  EXPECT_EQ(admin("POST", base, R"({"content":")" + accented + R"(e"})").status, 400);

  const std::string id = comment(base, "Fine");
  for (const std::string body : {"{}", R"({"content":""})", R"({"content":null,"category":null})", "[1]"})
    EXPECT_EQ(admin("PATCH", base + "/" + id, body).status, 400) << body;
  EXPECT_EQ(str(json_of(admin("GET", base + "/" + id))["content"]), "Fine");  // nothing half-written

  EXPECT_EQ(admin("GET", base + "?limit=0").status, 400);
  EXPECT_EQ(admin("GET", base + "?offset=-1").status, 400);
  EXPECT_EQ(admin("GET", base + "?includeCommenterInfo=maybe").status, 400);
  EXPECT_EQ(admin("GET", base + "/" + id + "?replyLimit=x").status, 400);

  // Replies nest one level.
  const std::string reply = comment(base + "?replyTo=" + id, "Reply");
  auto nested = admin("POST", base + "?replyTo=" + reply, R"({"content":"Reply to a reply"})");
  EXPECT_EQ(nested.status, 400) << nested.body;
}

TEST_F(ApiComments, UnknownApisCommentsAndParentsAre404) {
  const std::string api = create_api(api_body("Com404", "/com404"));
  const std::string other = create_api(api_body("Com404b", "/com404b"));
  const std::string base = comments_of(kApis, api);
  const std::string id = comment(base, "Here");
  const std::string missing = "01234567-89ab-cdef-0123-456789abcdef";

  EXPECT_EQ(admin("GET", comments_of(kApis, missing)).status, 404);
  EXPECT_EQ(admin("POST", comments_of(kApis, missing), R"({"content":"x"})").status, 404);
  EXPECT_EQ(admin("GET", base + "/" + missing).status, 404);
  EXPECT_EQ(admin("PATCH", base + "/" + missing, R"({"content":"x"})").status, 404);
  EXPECT_EQ(admin("DELETE", base + "/" + missing).status, 404);
  EXPECT_EQ(admin("GET", base + "/" + missing + "/replies").status, 404);
  auto orphan = admin("POST", base + "?replyTo=" + missing, R"({"content":"x"})");
  EXPECT_EQ(orphan.status, 404) << orphan.body;
  EXPECT_EQ(json_of(orphan)["code"], 404);
  // A comment belongs to its API only.
  EXPECT_EQ(admin("GET", comments_of(kApis, other) + "/" + id).status, 404);
  EXPECT_EQ(admin("POST", comments_of(kApis, other) + "?replyTo=" + id, R"({"content":"x"})").status, 404);
  EXPECT_EQ(json_of(admin("GET", comments_of(kApis, other)))["count"], 0);
}

TEST_F(ApiComments, PublisherCommentsNeedTheirScopes) {
  ASSERT_EQ(anon("POST", kDev + "/me/sign-up", R"({"username":"com-sub","password":")" + kPw + R"("})").status, 201);
  const std::string api = create_api(api_body("ComScope", "/comscope"));
  const std::string base = comments_of(kApis, api);
  const std::string id = comment(base, "Hello");
  EXPECT_EQ(anon("GET", base).status, 401);
  EXPECT_EQ(as("com-sub", "GET", base).status, 403);
  EXPECT_EQ(as("com-sub", "POST", base, R"({"content":"x"})").status, 403);
  EXPECT_EQ(as("com-sub", "DELETE", base + "/" + id).status, 403);
  // A token without apim:comment_write reads but does not write, even for an admin.
  Client c = application("ComScopeApp");
  auto t = form("/oauth2/token", "grant_type=password&username=admin&password=" + std::string(kPassword) +
                                     "&scope=apim:api_view", c.consumer_key, c.consumer_secret);
  ASSERT_EQ(t.status, 200) << t.body;
  const std::string token = str(json_of(t)["access_token"]);
  EXPECT_EQ(mgmt().get(base, {{"Authorization", "Bearer " + token}}).status, 200);
  HttpRequest post;
  post.method = "POST";
  post.target = base;
  post.body = R"({"content":"x"})";
  post.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  EXPECT_EQ(mgmt().send(post).status, 403);
}

TEST_F(ApiComments, ASubscriberCommentsOnlyOnApisThePortalShowsThem) {
  ASSERT_EQ(anon("POST", kDev + "/me/sign-up", R"({"username":"dev-sub","password":")" + kPw + R"("})").status, 201);
  ASSERT_EQ(anon("POST", kDev + "/me/sign-up", R"({"username":"dev-sub2","password":")" + kPw + R"("})").status, 201);
  const std::string open = published("devcomopen");
  const std::string restricted = published("devcomrestricted", R"("visibility":"RESTRICTED","visibleRoles":["creator"],)");
  const std::string draft = create_api(api_body("devcomdraft", "/devcomdraft"));
  const std::string base = comments_of(kDev + "/apis", open);

  auto posted = as("dev-sub", "POST", base, R"({"content":"Works for me"})");
  ASSERT_EQ(posted.status, 201) << posted.body;
  const std::string id = str(json_of(posted)["id"]);
  EXPECT_EQ(str(json_of(posted)["entryPoint"]), "devPortal");
  EXPECT_EQ(posted.header("location"), base + "/" + id);
  for (const auto& hidden : {restricted, draft}) {
    EXPECT_EQ(as("dev-sub", "POST", comments_of(kDev + "/apis", hidden), R"({"content":"x"})").status, 404);
    EXPECT_EQ(as("dev-sub", "GET", comments_of(kDev + "/apis", hidden)).status, 404);
  }
  // The Publisher sees the portal's comments, and the portal the Publisher's.
  auto in_publisher = json_of(admin("GET", comments_of(kApis, open)));
  EXPECT_EQ(in_publisher["count"], 1);
  const std::string pub_id = comment(comments_of(kApis, open), "From the publisher");
  EXPECT_EQ(str(json_of(as("dev-sub", "GET", base + "/" + pub_id))["entryPoint"]), "publisher");

  // Replies, author-only edits, moderation by an admin.
  const std::string reply = comment(base + "?replyTo=" + id, "Me too", "dev-sub2");
  EXPECT_EQ(json_of(as("dev-sub", "GET", base + "/" + id + "/replies"))["count"], 1);
  EXPECT_EQ(as("dev-sub2", "PATCH", base + "/" + id, R"({"content":"Changed"})").status, 403);
  EXPECT_EQ(as("dev-sub", "PATCH", base + "/" + id, R"({"content":"Changed"})").status, 200);
  EXPECT_EQ(as("dev-sub", "PATCH", base + "/" + id, R"({"content":""})").status, 400);
  EXPECT_EQ(as("dev-sub2", "DELETE", base + "/" + id).status, 403);
  EXPECT_EQ(as("dev-sub", "DELETE", base + "/" + reply).status, 403);
  EXPECT_EQ(as("dev-sub2", "DELETE", base + "/" + reply).status, 200);
  EXPECT_EQ(admin("DELETE", base + "/" + id).status, 200);
  EXPECT_EQ(as("dev-sub", "GET", base + "/" + id).status, 404);
}

TEST_F(ApiComments, AnonymousCallersReadCommentsAndRatingsOfPublicApisOnly) {
  const std::string open = published("anoncomopen");
  const std::string priv = published("anoncompriv", R"("visibility":"PRIVATE",)");
  const std::string id = comment(comments_of(kDev + "/apis", open), "Public remark");
  comment(comments_of(kDev + "/apis", priv), "Private remark");
  const std::string base = comments_of(kDev + "/apis", open);

  auto list = anon("GET", base);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json_of(list)["count"], 1);
  EXPECT_EQ(anon("GET", base + "/" + id).status, 200);
  EXPECT_EQ(anon("GET", base + "/" + id + "/replies").status, 200);
  EXPECT_EQ(anon("GET", kDev + "/apis/" + open + "/ratings").status, 200);
  EXPECT_EQ(anon("GET", comments_of(kDev + "/apis", priv)).status, 404);
  EXPECT_EQ(anon("GET", kDev + "/apis/" + priv + "/ratings").status, 404);

  EXPECT_EQ(anon("POST", base, R"({"content":"x"})").status, 401);
  EXPECT_EQ(anon("PATCH", base + "/" + id, R"({"content":"x"})").status, 401);
  EXPECT_EQ(anon("DELETE", base + "/" + id).status, 401);
  EXPECT_EQ(anon("GET", kDev + "/apis/" + open + "/user-rating").status, 401);
  EXPECT_EQ(anon("PUT", kDev + "/apis/" + open + "/user-rating", R"({"rating":5})").status, 401);
  EXPECT_EQ(mgmt().call("GET", base, "", "admin", "wrong-password").status, 401);
}

TEST_F(ApiComments, RatingsAreOneToFivePerUserAndAveragedIntoTheApi) {
  ASSERT_EQ(anon("POST", kDev + "/me/sign-up", R"({"username":"rate-a","password":")" + kPw + R"("})").status, 201);
  ASSERT_EQ(anon("POST", kDev + "/me/sign-up", R"({"username":"rate-b","password":")" + kPw + R"("})").status, 201);
  const std::string api = published("ratedapi");
  const std::string rating = kDev + "/apis/" + api + "/user-rating";
  const std::string ratings = kDev + "/apis/" + api + "/ratings";

  EXPECT_EQ(str(json_of(anon("GET", kDev + "/apis/" + api))["avgRating"]), "0.0");
  EXPECT_EQ(as("rate-a", "GET", rating).status, 404);
  auto put = as("rate-a", "PUT", rating, R"({"rating":3})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto p = json_of(put);
  EXPECT_EQ(p["rating"], 3);
  EXPECT_EQ(str(p["ratedBy"]), "rate-a");
  EXPECT_EQ(str(p["apiId"]), api);
  const std::string rating_id = str(p["ratingId"]);
  auto again = json_of(as("rate-a", "PUT", rating, R"({"rating":4})"));  // replaces, same rating
  EXPECT_EQ(again["rating"], 4);
  EXPECT_EQ(str(again["ratingId"]), rating_id);
  ASSERT_EQ(as("rate-b", "PUT", rating, R"({"rating":5})").status, 200);

  auto list = as("rate-a", "GET", ratings);
  ASSERT_EQ(list.status, 200) << list.body;
  auto l = json_of(list);
  EXPECT_EQ(str(l["avgRating"]), "4.5");
  EXPECT_EQ(l["userRating"], 4);
  EXPECT_EQ(l["count"], 2);
  EXPECT_EQ(l["pagination"].at("total"), 2);
  auto page = json_of(anon("GET", ratings + "?limit=1&offset=1"));
  EXPECT_EQ(page["count"], 1);
  EXPECT_EQ(str(page["avgRating"]), "4.5");  // of every rating, not the page's
  EXPECT_EQ(page["userRating"], 0);
  EXPECT_EQ(str(page["list"].as_array()[0].at("ratedBy")), "rate-b");

  // The API object and the portal's lists carry the average.
  EXPECT_EQ(str(json_of(anon("GET", kDev + "/apis/" + api))["avgRating"]), "4.5");
  bool listed = false;
  const auto all = json_of(anon("GET", kDev + "/apis?limit=1000"));
  for (const auto& a : all.at("list").as_array())
    if (str(a.at("id")) == api) {
      listed = true;
      EXPECT_EQ(str(a.at("avgRating")), "4.5");
    }
  EXPECT_TRUE(listed);
  EXPECT_EQ(str(json_of(anon("GET", kDev + "/search?query=name:ratedapi")).at("list").as_array()[0].at("avgRating")),
            "4.5");

  for (const std::string body : {"{}", R"({"rating":0})", R"({"rating":6})", R"({"rating":-1})",
                                 R"({"rating":"six"})", R"({"rating":4.5})", "not json", "[]"}) {
    auto r = as("rate-a", "PUT", rating, body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
  }
  EXPECT_EQ(json_of(as("rate-a", "GET", rating))["rating"], 4);  // unchanged by refused bodies

  EXPECT_EQ(as("rate-a", "DELETE", rating).status, 200);
  EXPECT_EQ(as("rate-a", "GET", rating).status, 404);
  EXPECT_EQ(as("rate-a", "DELETE", rating).status, 200);  // as in the product: nothing to remove is fine
  EXPECT_EQ(str(json_of(anon("GET", ratings))["avgRating"]), "5.0");
}

TEST_F(ApiComments, RatingsFollowVisibilityAndUnknownApisAre404) {
  ASSERT_EQ(anon("POST", kDev + "/me/sign-up", R"({"username":"rate-c","password":")" + kPw + R"("})").status, 201);
  const std::string restricted = published("raterestricted", R"("visibility":"RESTRICTED","visibleRoles":["creator"],)");
  const std::string missing = "01234567-89ab-cdef-0123-456789abcdef";
  for (const auto& api : {restricted, missing}) {
    EXPECT_EQ(as("rate-c", "PUT", kDev + "/apis/" + api + "/user-rating", R"({"rating":5})").status, 404);
    EXPECT_EQ(as("rate-c", "GET", kDev + "/apis/" + api + "/user-rating").status, 404);
    EXPECT_EQ(as("rate-c", "DELETE", kDev + "/apis/" + api + "/user-rating").status, 404);
    EXPECT_EQ(as("rate-c", "GET", kDev + "/apis/" + api + "/ratings").status, 404);
  }
  // An admin sees every API the portal shows.
  EXPECT_EQ(admin("PUT", kDev + "/apis/" + restricted + "/user-rating", R"({"rating":2})").status, 200);
  // The Publisher's users rate through the portal with apim:subscribe only.
  make_user("rate-cre", "creator");
  EXPECT_EQ(as("rate-cre", "PUT", kDev + "/apis/" + restricted + "/user-rating", R"({"rating":2})").status, 403);
}

TEST_F(ApiComments, DeletingAnApiRemovesItsCommentsAndRatings) {
  const std::string api = published("comdeleted");
  const std::string id = comment(comments_of(kDev + "/apis", api), "Soon gone");
  comment(comments_of(kApis, api) + "?replyTo=" + id, "Reply soon gone");
  ASSERT_EQ(admin("PUT", kDev + "/apis/" + api + "/user-rating", R"({"rating":4})").status, 200);
  ASSERT_EQ(rows_of("api_comments", api), 2);
  ASSERT_EQ(rows_of("api_ratings", api), 1);

  ASSERT_EQ(admin("DELETE", kApis + "/" + api).status, 200);
  EXPECT_EQ(rows_of("api_comments", api), 0);
  EXPECT_EQ(rows_of("api_ratings", api), 0);
  EXPECT_EQ(admin("GET", comments_of(kApis, api)).status, 404);
  EXPECT_EQ(admin("GET", kDev + "/apis/" + api + "/ratings").status, 404);
}

}  // namespace
}  // namespace archway::testing
