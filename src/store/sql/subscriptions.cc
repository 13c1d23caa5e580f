// Subscriptions, over the SQL layer (see store/subscription_store.h).
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

std::int64_t insert_subscription(sql::Tx& tx, const domain::Subscription& sub) {
  auto& conn = tx.conn();
  run_unique(conn.prepare("INSERT INTO subscriptions (id, application_id, api_id, "
                          "throttling_policy, status, created_time) "
                          "VALUES (?,?,?,?,?,?)")
                 .bind(1, sub.id)
                 .bind(2, sub.application_id)
                 .bind(3, sub.api_id)
                 .bind(4, sub.throttling_policy)
                 .bind(5, sub.status)
                 .bind(6, sub.created_time),
             "The application is already subscribed to this API");
  return tx.append_change("subscription.changed", sub.id, "{}");
}

}  // namespace records

using namespace records;

void SqlSubscriptionStore::create_subscription(const domain::Subscription& sub) {
  db_.write([&](sql::Tx& tx) { return insert_subscription(tx, sub); });
}

void SqlSubscriptionStore::create_subscription(const domain::Subscription& sub,
                                               const domain::Workflow& approval) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    const std::int64_t rev = insert_subscription(tx, sub);
    insert_workflow(conn, approval);
    return rev;
  });
}

void SqlSubscriptionStore::request_subscription_tier(std::string_view id,
                                                     const domain::Workflow& approval) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    conn.prepare("UPDATE subscriptions SET status = ? WHERE id = ?")
        .bind(1, domain::kSubscriptionTierUpdatePending)
        .bind(2, id)
        .run();
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Subscription '{}' not found", id)));
    insert_workflow(conn, approval);
    return tx.append_change("subscription.changed", id, "{}");
  });
}

void SqlSubscriptionStore::create_subscriptions(const std::vector<domain::Subscription>& subs,
                                                const std::vector<domain::Workflow>& approvals) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    std::int64_t rev = 0;
    for (std::size_t i = 0; i < subs.size(); ++i) {
      const auto& sub = subs[i];
      run_unique(
          conn.prepare("INSERT INTO subscriptions (id, application_id, api_id, "
                       "throttling_policy, status, created_time) "
                       "VALUES (?,?,?,?,?,?)")
              .bind(1, sub.id)
              .bind(2, sub.application_id)
              .bind(3, sub.api_id)
              .bind(4, sub.throttling_policy)
              .bind(5, sub.status)
              .bind(6, sub.created_time),
          fmt::format(
              "[{}]: the application is already subscribed to this API; nothing was subscribed",
              i));
      rev = tx.append_change("subscription.changed", sub.id, "{}");
    }
    for (const auto& w : approvals) insert_workflow(conn, w);
    return rev;
  });
}

std::optional<domain::Subscription> SqlSubscriptionStore::get_subscription(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Subscription> {
    return first_row(conn.prepare(q::kSubById).bind(1, id), sub_from);
  });
}

std::vector<domain::Subscription> SqlSubscriptionStore::list_subscriptions(
    std::string_view application_id, std::string_view api_id) {
  SubscriptionQuery q;
  q.application_id = std::string(application_id);
  q.api_id = std::string(api_id);
  q.limit = -1;  // no limit
  return list_subscriptions_page(q).list;
}

SubscriptionPage SqlSubscriptionStore::list_subscriptions_page(const SubscriptionQuery& q) {
  return db_.read([&](sql::Connection& conn) -> SubscriptionPage {
    auto bind_filters = [&](Stmt& s) {
      int i = 1;
      if (!q.application_id.empty()) s.bind(i++, q.application_id);
      if (!q.api_id.empty()) s.bind(i++, q.api_id);
      if (!q.owner.empty()) s.bind(i++, q.owner);
      return i;
    };
    SubscriptionPage page;
    Stmt s = conn.prepare(q::subscriptions_sql(q, false));
    const int next = bind_filters(s);
    s.bind(next, sql::limit_param(q.limit)).bind(next + 1, q.offset);
    while (s.step()) page.list.push_back(sub_from(s));
    const auto n = static_cast<std::int64_t>(page.list.size());
    // A whole list, or a short page that is not past the end, tells the total without a count.
    if (q.limit < 0 || (n < q.limit && (n > 0 || q.offset == 0))) {
      page.total = q.offset + n;
      return page;
    }
    Stmt c = conn.prepare(q::subscriptions_sql(q, true));
    bind_filters(c);
    c.step();
    page.total = c.integer(0);
    return page;
  });
}

std::int64_t SqlSubscriptionStore::count_subscriptions(std::string_view application_id) {
  return db_.read([&](sql::Connection& conn) -> std::int64_t {
    Stmt s = conn.prepare(q::kSubsOfApplicationCount);
    s.bind(1, application_id);
    s.step();
    return s.integer(0);
  });
}

namespace {

// Sets one column of a subscription (`update` names it: a fixed statement, never caller text) and
// tells gateways; 404 when there is no such subscription.
void update_subscription(sql::Database& db, std::string_view update, std::string_view id,
                         std::string_view value) {
  db.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    conn.prepare(update).bind(1, value).bind(2, id).run();
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Subscription '{}' not found", id)));
    return tx.append_change("subscription.changed", id, "{}");
  });
}

}  // namespace

void SqlSubscriptionStore::update_subscription_status(std::string_view id,
                                                      std::string_view status) {
  update_subscription(db_, "UPDATE subscriptions SET status = ? WHERE id = ?", id, status);
}

void SqlSubscriptionStore::update_subscription_tier(std::string_view id, std::string_view tier) {
  update_subscription(db_, "UPDATE subscriptions SET throttling_policy = ? WHERE id = ?", id, tier);
}

bool SqlSubscriptionStore::delete_subscription(std::string_view id) {
  bool removed = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    removed = false;  // each attempt decides afresh (a retried write runs this again)
    auto& conn = tx.conn();
    json::object pair;  // gateways find a removed subscription by its application and API
    {
      Stmt s = conn.prepare("SELECT application_id, api_id FROM subscriptions WHERE id = ?");
      s.bind(1, id);
      if (!s.step()) return 0;
      pair = {{"applicationId", s.text(0)}, {"apiId", s.text(1)}};
    }
    conn.prepare("DELETE FROM subscriptions WHERE id = ?").bind(1, id).run();
    removed = conn.changes() > 0;
    return removed ? tx.append_change("subscription.changed", id, json::serialize(pair)) : 0;
  });
  return removed;
}

}  // namespace archway::store
