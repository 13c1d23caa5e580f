// Documents, thumbnails, comments and ratings, over the SQL layer (see store/content_store.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "domain/lifecycle.h"
#include "domain/mediation_json.h"
#include "domain/policy_json.h"
#include "store/sql/aggregates.h"
#include "store/sql/dialect.h"
#include "store/sql/records.h"

namespace archway::store {

using sql::run_unique;

namespace records {

domain::Comment comment_from(const Stmt& s) {
  domain::Comment c;
  c.id = s.text(0);
  c.api_id = s.text(1);
  c.parent_id = s.text(2);
  c.content = s.text(3);
  c.category = s.text(4);
  c.entry_point = s.text(5);
  c.created_by = s.text(6);
  c.created_time = s.integer(7);
  c.updated_time = s.integer(8);
  return c;
}

domain::Rating rating_from(const Stmt& s) {
  domain::Rating r;
  r.id = s.text(0);
  r.api_id = s.text(1);
  r.rated_by = s.text(2);
  r.rating = static_cast<int>(s.integer(3));
  r.created_time = s.integer(4);
  r.updated_time = s.integer(5);
  return r;
}

domain::Document document_from(const Stmt& s) {
  domain::Document d;
  d.id = s.text(0);
  d.api_id = s.text(1);
  d.name = s.text(2);
  d.type = s.text(3);
  d.other_type_name = s.text(4);
  d.summary = s.text(5);
  d.visibility = s.text(6);
  d.source_type = s.text(7);
  d.source_url = s.text(8);
  d.file_name = s.text(9);
  d.has_content = s.integer(10) != 0;
  d.created_by = s.text(11);
  d.created_time = s.integer(12);
  d.updated_by = s.text(13);
  d.updated_time = s.integer(14);
  return d;
}

}  // namespace records

using namespace records;

void SqlContentStore::create_document(const domain::Document& d,
                                      const std::optional<domain::StoredFile>& content) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    insert_document_locked(conn, d, content);
    return std::int64_t{0};
  });
}

std::vector<domain::Document> SqlContentStore::list_documents(std::string_view api_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Document> {
    return all_rows(
        conn.prepare(std::string(kDocumentColumns) + " WHERE api_id = ? ORDER BY created_time, id")
            .bind(1, api_id),
        document_from);
  });
}

std::optional<domain::Document> SqlContentStore::get_document(std::string_view api_id,
                                                              std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Document> {
    return first_row(conn.prepare(std::string(kDocumentColumns) + " WHERE api_id = ? AND id = ?")
                         .bind(1, api_id)
                         .bind(2, id),
                     document_from);
  });
}

void SqlContentStore::update_document(const domain::Document& d,
                                      const std::optional<domain::StoredFile>& content) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    std::optional<domain::StoredFile> kept = content;
    if (!kept) {
      // Content stays while the source type does; a new source type starts without any.
      Stmt s = conn.prepare(
          "SELECT source_type, file_name, media_type, content FROM api_documents WHERE api_id = ? "
          "AND id = ?");
      s.bind(1, d.api_id).bind(2, d.id);
      if (!s.step())
        throw common::ProblemError(
            common::Problem::not_found(fmt::format("Document '{}' not found", d.id)));
      if (s.text(0) == d.source_type && !s.is_null(3))
        kept = domain::StoredFile{s.text(2), s.text(1), s.blob(3)};
    }
    Stmt s = conn.prepare(
        "UPDATE api_documents SET name=?, type=?, other_type_name=?, summary=?, visibility=?, "
        "source_type=?, "
        "source_url=?, file_name=?, media_type=?, content=?, updated_by=?, updated_time=? "
        "WHERE api_id = ? AND id = ?");
    bind_document(s, 1, d, kept);
    s.bind(11, d.updated_by).bind(12, d.updated_time).bind(13, d.api_id).bind(14, d.id);
    run_unique(s, fmt::format("The API already has a document named '{}'", d.name));
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Document '{}' not found", d.id)));
    return std::int64_t{0};
  });
}

std::optional<domain::StoredFile> SqlContentStore::document_content(std::string_view api_id,
                                                                    std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::StoredFile> {
    Stmt s = conn.prepare(
        "SELECT media_type, file_name, content FROM api_documents WHERE api_id = ? AND id = ?");
    s.bind(1, api_id).bind(2, id);
    if (!s.step() || s.is_null(2)) return std::nullopt;
    return domain::StoredFile{s.text(0), s.text(1), s.blob(2)};
  });
}

bool SqlContentStore::delete_document(std::string_view api_id, std::string_view id) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM api_documents WHERE api_id = ? AND id = ?")
        .bind(1, api_id)
        .bind(2, id)
        .run();
    return conn.changes() > 0;
  });
}

void SqlContentStore::create_comment(const domain::Comment& c) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    require_api(conn, c.api_id);
    if (!c.parent_id.empty()) {
      Stmt p = conn.prepare(q::kCommentById);
      p.bind(1, c.api_id).bind(2, c.parent_id);
      if (!p.step())
        throw common::ProblemError(common::Problem::not_found(
            fmt::format("Comment '{}' of API '{}' not found", c.parent_id, c.api_id)));
      if (!comment_from(p).parent_id.empty())
        throw common::ProblemError(common::Problem::bad_request(fmt::format(
            "'replyTo': comment '{}' is a reply; replies nest one level", c.parent_id)));
    }
    Stmt s = conn.prepare(
        "INSERT INTO api_comments (id, api_id, parent_id, content, category, entry_point, "
        "created_by, "
        "created_time, updated_time) VALUES (?,?,?,?,?,?,?,?,?)");
    s.bind(1, c.id).bind(2, c.api_id);
    if (c.parent_id.empty())
      s.bind_null(3);
    else
      s.bind(3, c.parent_id);
    s.bind(4, c.content).bind(5, c.category).bind(6, c.entry_point).bind(7, c.created_by);
    s.bind(8, c.created_time).bind(9, c.updated_time);
    s.run();
    return std::int64_t{0};
  });
}

std::optional<domain::Comment> SqlContentStore::get_comment(std::string_view api_id,
                                                            std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Comment> {
    return first_row(conn.prepare(q::kCommentById).bind(1, api_id).bind(2, id), comment_from);
  });
}

CommentPage SqlContentStore::list_comments(std::string_view api_id, std::string_view parent_id,
                                           std::int64_t limit, std::int64_t offset) {
  return db_.read([&](sql::Connection& conn) -> CommentPage {
    CommentPage page;
    const bool replies = !parent_id.empty();
    {
      Stmt s = conn.prepare(replies ? q::kRepliesPage : q::kTopCommentsPage);
      s.bind(1, api_id);
      if (replies) s.bind(2, parent_id);
      const int at = replies ? 3 : 2;
      s.bind(at, sql::limit_param(limit)).bind(at + 1, offset);
      while (s.step()) page.list.push_back(comment_from(s));
    }
    Stmt n = conn.prepare(replies ? q::kRepliesCount : q::kTopCommentsCount);
    n.bind(1, api_id);
    if (replies) n.bind(2, parent_id);
    n.step();
    page.total = n.integer(0);
    return page;
  });
}

bool SqlContentStore::update_comment(const domain::Comment& c) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    conn.prepare(
            "UPDATE api_comments SET content = ?, category = ?, updated_time = ? WHERE api_id = ? "
            "AND id = ?")
        .bind(1, c.content)
        .bind(2, c.category)
        .bind(3, c.updated_time)
        .bind(4, c.api_id)
        .bind(5, c.id)
        .run();
    return conn.changes() > 0;
  });
}

bool SqlContentStore::delete_comment(std::string_view api_id, std::string_view id) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM api_comments WHERE api_id = ? AND id = ?")
        .bind(1, api_id)
        .bind(2, id)
        .run();
    return conn.changes() > 0;
  });
}

domain::Rating SqlContentStore::set_rating(const domain::Rating& r) {
  domain::Rating stored;
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    require_api(conn, r.api_id);
    conn.prepare(
            "INSERT INTO api_ratings (id, api_id, rated_by, rating, created_time, updated_time) "
            "VALUES (?,?,?,?,?,?) "
            "ON CONFLICT (api_id, rated_by) DO UPDATE SET rating = excluded.rating, updated_time = "
            "excluded.updated_time")
        .bind(1, r.id)
        .bind(2, r.api_id)
        .bind(3, r.rated_by)
        .bind(4, std::int64_t{r.rating})
        .bind(5, r.created_time)
        .bind(6, r.updated_time)
        .run();
    Stmt s = conn.prepare(q::kRatingOf);
    s.bind(1, r.api_id).bind(2, r.rated_by);
    s.step();
    stored = rating_from(s);
    return std::int64_t{0};
  });
  return stored;
}

std::optional<domain::Rating> SqlContentStore::get_rating(std::string_view api_id,
                                                          std::string_view user) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Rating> {
    return first_row(conn.prepare(q::kRatingOf).bind(1, api_id).bind(2, user), rating_from);
  });
}

bool SqlContentStore::delete_rating(std::string_view api_id, std::string_view user) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM api_ratings WHERE api_id = ? AND rated_by = ?")
        .bind(1, api_id)
        .bind(2, user)
        .run();
    return conn.changes() > 0;
  });
}

RatingPage SqlContentStore::list_ratings(std::string_view api_id, std::int64_t limit,
                                         std::int64_t offset) {
  return db_.read([&](sql::Connection& conn) -> RatingPage {
    RatingPage page;
    {
      Stmt s = conn.prepare(q::kRatingsPage);
      s.bind(1, api_id).bind(2, sql::limit_param(limit)).bind(3, offset);
      while (s.step()) page.list.push_back(rating_from(s));
    }
    Stmt n = conn.prepare(q::kRatingTotals);
    n.bind(1, api_id);
    n.step();
    page.total = n.integer(0);
    page.sum = n.integer(1);
    return page;
  });
}

std::vector<std::pair<std::string, ContentStore::RatingTotals>> SqlContentStore::rating_totals(
    const std::vector<std::string>& api_ids) {
  return db_.read([&](sql::Connection& conn) -> std::vector<std::pair<std::string, RatingTotals>> {
    std::vector<std::pair<std::string, RatingTotals>> out;
    for (const auto& id : api_ids) {
      Stmt s = conn.prepare(q::kRatingTotals);
      s.bind(1, id);
      if (s.step() && s.integer(0) > 0)
        out.emplace_back(id, RatingTotals{s.integer(0), s.integer(1)});
    }
    return out;
  });
}

void SqlContentStore::set_thumbnail(std::string_view api_id, const domain::StoredFile& image) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    set_thumbnail_locked(conn, api_id, image);
    return std::int64_t{0};
  });
}

std::optional<domain::StoredFile> SqlContentStore::thumbnail(std::string_view api_id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::StoredFile> {
    Stmt s = conn.prepare("SELECT media_type, data FROM api_thumbnails WHERE api_id = ?");
    s.bind(1, api_id);
    if (!s.step()) return std::nullopt;
    return domain::StoredFile{s.text(0), "", s.blob(1)};
  });
}

std::optional<std::string> SqlContentStore::server_setting(std::string_view name) {
  return db_.read([&](sql::Connection& conn) -> std::optional<std::string> {
    Stmt s = conn.prepare("SELECT value FROM server_settings WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  });
}

void SqlContentStore::set_server_setting(std::string_view name, const std::optional<std::string>& value) {
  db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM server_settings WHERE name = ?").bind(1, name).run();
    if (value)
      conn.prepare("INSERT INTO server_settings (name, value) VALUES (?, ?)").bind(1, name).bind(2, *value).run();
  });
}

}  // namespace archway::store
