#include "publisher/comment_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "identity/roles.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;

namespace {

constexpr std::int64_t kDefaultReplyPage = 25;

[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }

// Characters (code points) of UTF-8 text; the JSON parser has checked the encoding.
std::size_t characters(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string checked_content(const std::string& content) {
  if (std::all_of(content.begin(), content.end(),
                  [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }))
    bad("'content' must not be empty");
  if (characters(content) > domain::kMaxCommentLength)
    bad(fmt::format("'content' must be at most {} characters", domain::kMaxCommentLength));
  if (std::any_of(content.begin(), content.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F;
      }))
    bad("'content' must not contain control characters other than tabs and line breaks");
  return content;
}

std::string checked_category(const std::string& category) {
  if (category.empty() || characters(category) > domain::kMaxCommentCategoryLength ||
      std::any_of(category.begin(), category.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    bad(fmt::format("'category' must be 1 to {} characters without control characters",
                    domain::kMaxCommentCategoryLength));
  return category;
}

}  // namespace

bool moderates_comments(const identity::Caller& caller) {
  return caller.user.has_role(domain::kRoleAdmin) &&
         (!caller.with_token || std::find(caller.scopes.begin(), caller.scopes.end(),
                                          identity::kScopeAdmin) != caller.scopes.end());
}

domain::Comment CommentService::create(const std::string& api_id, std::string_view body,
                                       const std::string& reply_to, const domain::User& author,
                                       std::string_view entry_point) {
  const json::value v = common::parse_json_body(body);
  const json::object& o = common::as_object(v, "body");
  domain::Comment c;
  c.content = checked_content(common::opt_string(o, "content", "content").value_or(""));
  if (auto category = common::opt_string(o, "category", "category"))
    c.category = checked_category(*category);
  c.id = common::new_uuid();
  c.api_id = api_id;
  c.parent_id = reply_to;
  c.entry_point = std::string(entry_point);
  c.created_by = author.username;
  c.created_time = c.updated_time = common::now_millis();
  store_.create_comment(c);  // checks the API and the parent in its transaction
  return c;
}

domain::Comment CommentService::get(const std::string& api_id, const std::string& id) {
  auto c = store_.get_comment(api_id, id);
  if (!c)
    throw ProblemError(
        Problem::not_found(fmt::format("Comment '{}' of API '{}' not found", id, api_id)));
  return *c;
}

domain::Comment CommentService::edit(const std::string& api_id, const std::string& id,
                                     std::string_view body, const domain::User& caller) {
  domain::Comment c = get(api_id, id);
  if (c.created_by != caller.username)
    throw ProblemError(Problem::forbidden(
        fmt::format("Only '{}', who wrote comment '{}', may edit it", c.created_by, id)));
  const json::value v = common::parse_json_body(body);
  const json::object& o = common::as_object(v, "body");
  auto content = common::opt_string(o, "content", "content");
  auto category = common::opt_string(o, "category", "category");
  if (!content && !category) bad("Give 'content' or 'category' to change");
  if (content) c.content = checked_content(*content);
  if (category) c.category = checked_category(*category);
  c.updated_time = std::max(common::now_millis(), c.created_time);
  if (!store_.update_comment(c))
    throw ProblemError(
        Problem::not_found(fmt::format("Comment '{}' of API '{}' not found", id, api_id)));
  return c;
}

void CommentService::remove(const std::string& api_id, const std::string& id,
                            const domain::User& caller, bool moderator) {
  const domain::Comment c = get(api_id, id);
  if (c.created_by != caller.username && !moderator)
    throw ProblemError(Problem::forbidden(fmt::format(
        "Only '{}', who wrote comment '{}', or an administrator may delete it", c.created_by, id)));
  if (!store_.delete_comment(api_id, id))
    throw ProblemError(
        Problem::not_found(fmt::format("Comment '{}' of API '{}' not found", id, api_id)));
}

json::object CommentService::comment_json(const domain::Comment& c, const View& view,
                                          std::int64_t reply_limit, std::int64_t reply_offset) {
  json::object o{
      {"id", c.id},
      {"content", c.content},
      {"createdTime", common::iso8601_utc(c.created_time)},
      {"createdBy", c.created_by},
      {"updatedTime", common::iso8601_utc(c.updated_time)},
      {"category", c.category},
      {"parentCommentId", c.parent_id.empty() ? json::value(nullptr) : json::value(c.parent_id)},
      {"entryPoint", c.entry_point}};
  // Archway keeps no personal names: the user name stands for them.
  if (view.commenter_info)
    o["commenterInfo"] =
        json::object{{"firstName", c.created_by}, {"lastName", ""}, {"fullName", c.created_by}};
  if (c.parent_id.empty()) o["replies"] = replies_json(c, view, reply_limit, reply_offset);
  return o;
}

json::object CommentService::replies_json(const domain::Comment& parent, const View& view,
                                          std::int64_t limit, std::int64_t offset) {
  const store::CommentPage page = store_.list_comments(parent.api_id, parent.id, limit, offset);
  json::array items;
  for (const auto& r : page.list) items.push_back(comment_json(r, view, 0, 0));
  json::object o = common::list_body(std::move(items));
  o["pagination"] = common::pagination_json(view.collection + "/" + parent.id + "/replies", limit,
                                            offset, page.total);
  return o;
}

json::object CommentService::list_json(const std::string& api_id, const std::string& parent_id,
                                       std::int64_t limit, std::int64_t offset, const View& view) {
  if (!parent_id.empty()) return replies_json(get(api_id, parent_id), view, limit, offset);
  const store::CommentPage page = store_.list_comments(api_id, "", limit, offset);
  json::array items;
  for (const auto& c : page.list) items.push_back(comment_json(c, view, kDefaultReplyPage, 0));
  json::object o = common::list_body(std::move(items));
  o["pagination"] = common::pagination_json(view.collection, limit, offset, page.total);
  return o;
}

}  // namespace archway::publisher
