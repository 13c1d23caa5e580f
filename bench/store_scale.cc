// Management reads and writes at scale (issue 14): fills a store with 10,000 APIs (each with a
// revision), 100,000 applications of 10,000 owners and 1,000,000 subscriptions (bulk inserts in one
// transaction), then times the reads and writes a management call makes, median of a few runs.
// Build: cmake --build --preset release --target archway_store_scale
// Run:   build/release/bench/archway_store_scale [data dir] (filled on the first run, reused after;
//        a directory filled before the DevPortal and scope rows has its APIs unpublished, one
//        filled before the search timings has no tags or descriptions: refill)
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/ids.h"
#include "domain/api_json.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

using namespace archway;  // a one-file program
using Clock = std::chrono::steady_clock;

template <class F>
double median_ms(int runs, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto s = Clock::now();
    f(i);
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "store-scale-data";
  const bool fresh = !std::filesystem::exists(dir + "/archway.db");
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/archway.db";
  constexpr int kApis = 10000, kApps = 100000, kSubsPerApp = 10, kOwners = 10000;
  std::vector<std::string> api_ids, rev_ids;
  auto store = store::open_sqlite_store(path);
  if (fresh) {
    auto t0 = Clock::now();
    for (int i = 0; i < kApis; ++i) {
      domain::Api a;
      a.id = "api-" + std::to_string(i);
      a.name = "Api" + std::to_string(i);
      a.context = "/c" + std::to_string(i);
      a.version = "1.0";
      a.provider = "admin";
      a.policies = {"Gold", "Silver"};
      a.created_time = a.last_updated_time = 1000 + i;
      // In the DevPortal: 80% PUBLIC, 10% PRIVATE, 10% RESTRICTED to creators; one scope each.
      a.lifecycle_status = "PUBLISHED";
      if (i % 10 == 8) a.visibility = "PRIVATE";
      if (i % 10 == 9) {
        a.visibility = "RESTRICTED";
        a.visible_roles = {"creator"};
      }
      a.scopes = {{"scope" + std::to_string(i), "", "", {"publisher"}}};
      // For search: a description, one of 50 tags, and "food" on every tenth API.
      static const char* const kWords[] = {"weather", "payments", "maps", "music", "travel"};
      a.description =
          "Serves " + std::string(kWords[i % 5]) + " data for clients, number " + std::to_string(i);
      a.tags = {"tag" + std::to_string(i % 50)};
      if (i % 10 == 0) a.tags.push_back("food");
      for (int k = 0; k < 5; ++k) a.operations.push_back({"", "/r" + std::to_string(k), "GET"});
      store->create_api(a);
      store->create_revision(a, "");
    }
    std::printf("APIs and revisions: %.1f s\n",
                std::chrono::duration<double>(Clock::now() - t0).count());
    t0 = Clock::now();
    store::sqlite::Db db(path);
    db.exec("BEGIN");
    {
      auto ins = [&](int i) {
        db.prepare(
              "INSERT INTO applications (id, name, owner, throttling_policy, description, "
              "token_type, status, "
              "created_time, updated_time) VALUES (?,?,?,?,'','JWT','APPROVED',?,?)")
            .bind(1, "app-" + std::to_string(i))
            .bind(2, "app" + std::to_string(i))
            .bind(3, "user" + std::to_string(i % kOwners))
            .bind(4, std::string(i % 2 ? "Unlimited" : "10PerMin"))
            .bind(5, std::int64_t{i})
            .bind(6, std::int64_t{i})
            .run();
      };
      for (int i = 0; i < kApps; ++i) ins(i);
      for (int i = 0; i < kApps; ++i)
        for (int k = 0; k < kSubsPerApp; ++k)
          db.prepare(
                "INSERT INTO subscriptions (id, application_id, api_id, throttling_policy, status, "
                "created_time) "
                "VALUES (?,?,?,?,'UNBLOCKED',?)")
              .bind(1, "sub-" + std::to_string(i) + "-" + std::to_string(k))
              .bind(2, "app-" + std::to_string(i))
              .bind(3, "api-" + std::to_string((i * 7 + k * 997) % kApis))
              .bind(4, std::string(k % 2 ? "Gold" : "Silver"))
              .bind(5, std::int64_t{i * kSubsPerApp + k})
              .run();
    }
    db.exec("COMMIT");
    std::printf("applications and subscriptions: %.1f s\n",
                std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::string last_rev;
  {
    store::sqlite::Db db(path);
    auto s = db.prepare("SELECT id FROM api_revisions WHERE api_id = 'api-9999'");
    s.step();
    last_rev = s.text(0);
  }
  const int runs = 9;
  // One owner's first page of applications (25) with subscription counts: DevPortal GET
  // /applications.
  double owner_page = median_ms(runs, [&](int i) {
    const std::string owner = "user" + std::to_string(i * 37);
    (void)store->list_applications_page(owner, 25, 0);
  });
  // One application's first page of subscriptions (25): DevPortal GET
  // /subscriptions?applicationId=.
  double app_subs = median_ms(runs, [&](int i) {
    const std::string app = "app-" + std::to_string(i * 1013);
    store::SubscriptionQuery q;
    q.application_id = app;
    (void)store->list_subscriptions_page(q);
  });
  // The subscriptions of one API (a page of 25): Publisher / DevPortal by apiId.
  double api_subs = median_ms(runs, [&](int i) {
    const std::string api = "api-" + std::to_string(i * 101);
    store::SubscriptionQuery q;
    q.api_id = api;
    (void)store->list_subscriptions_page(q);
  });
  // Is the subscription tier 'Bronze' still used (it is not: the worst case)?
  double sub_usage =
      median_ms(runs, [&](int) { (void)store->find_policy_use("subscription", "Bronze"); });
  // Is the application tier '20PerMin' still used (no)?
  double app_usage =
      median_ms(runs, [&](int) { (void)store->find_policy_use("application", "20PerMin"); });
  // Is the advanced tier '50KPerMin' still used (no; APIs and their revisions)?
  double adv_usage =
      median_ms(runs, [&](int) { (void)store->find_policy_use("advanced", "50KPerMin"); });
  // Creating an application (the uniqueness check of owner and name).
  double create_app = median_ms(runs, [&](int) {
    domain::Application a;
    a.id = common::new_uuid();
    a.name = "bench-" + a.id;
    a.owner = "user42";
    store->create_application(a);
  });
  // Creating an API (its rows: tiers, scopes, audiences, search rows and full-text entry).
  double create_api = median_ms(runs, [&](int) {
    domain::Api a;
    a.id = common::new_uuid();
    a.name = "Bench" + a.id;
    a.context = "/bench-" + a.id;
    a.version = "1.0";
    a.provider = "admin";
    a.policies = {"Gold"};
    a.description = "Serves bench data for clients";
    a.tags = {"tag1", "food"};
    a.lifecycle_status = "PUBLISHED";
    for (int k = 0; k < 5; ++k) a.operations.push_back({"", "/r" + std::to_string(k), "GET"});
    store->create_api(a);
  });
  // GET one API.
  double get_api =
      median_ms(runs, [&](int i) { (void)store->get_api("api-" + std::to_string(i * 1111)); });
  // GET /apis/{revisionId}: the revision of the newest API.
  double find_rev = median_ms(runs, [&](int) { (void)store->find_revision(last_rev); });
  // Deleting an API (its ~100 subscriptions go with it: the foreign key's cascade).
  double del_api =
      median_ms(3, [&](int i) { (void)store->delete_api("api-" + std::to_string(5000 + i)); });
  // DevPortal GET /apis, first page of 25: an anonymous caller (one audience) and a signed-in
  // subscriber (two); before, every API was read and its visibility checked in C++.
  double portal_anon = median_ms(runs, [&](int) { (void)store->list_portal_apis({}, 25, 0); });
  double portal_sub = median_ms(runs, [&](int) {
    (void)store->list_portal_apis({true, false, {"subscriber"}}, 25, 0);
  });
  double portal_deep = median_ms(runs, [&](int) { (void)store->list_portal_apis({}, 25, 5000); });
  double every_api = median_ms(3, [&](int) {
    store::ApiQuery q;
    q.limit = 1000000;
    (void)store->list_apis(q);
  });
  // The token endpoint asked for one API scope: its bindings (before: every API's scopes).
  double scope_lookup = median_ms(
      runs, [&](int i) { (void)store->api_scope_bindings("scope" + std::to_string(i * 997)); });
  // The cleanup a token save does, with 200,000 live refresh tokens: by the expiry index, and
  // (before) the same DELETE kept off it, which reads the whole table.
  {
    store::sqlite::Db db(path);
    auto n = db.prepare("SELECT COUNT(*) FROM refresh_tokens");
    n.step();
    if (n.integer(0) == 0) {
      db.exec("BEGIN");
      db.exec(
          "INSERT INTO application_keys (id, application_id, key_type, consumer_key, "
          "consumer_secret_hash, grant_types, callback_url, validity_seconds, created_time) "
          "VALUES ('bench-key', 'app-0', 'PRODUCTION', 'bench-ck', '', 'refresh_token', '', 3600, "
          "0)");
      for (int i = 0; i < 200000; ++i)
        db.prepare(
              "INSERT INTO refresh_tokens (token_hash, consumer_key, subject, scope, expires_at, "
              "used, created_time) VALUES (?, 'bench-ck', 'user1', '', ?, 0, 0)")
            .bind(1, "rt-" + std::to_string(i))
            .bind(2, std::int64_t{4000000000} + i)
            .run();
      db.exec("COMMIT");
    }
  }
  double token_save = median_ms(runs, [&](int i) {
    store->save_refresh_token({"bench-rt-" + common::new_uuid() + std::to_string(i), "bench-ck",
                               "user1", "", std::int64_t{4000000000}, false});
  });
  store::sqlite::Db cleanup_db(path);
  double token_cleanup_scan = median_ms(runs, [&](int) {
    cleanup_db.prepare("DELETE FROM refresh_tokens NOT INDEXED WHERE expires_at < ?")
        .bind(1, std::int64_t{1})
        .run();
  });
  double token_cleanup_index = median_ms(runs, [&](int) {
    cleanup_db.prepare("DELETE FROM refresh_tokens WHERE expires_at < ?")
        .bind(1, std::int64_t{1})
        .run();
  });
  // Search (migration 19): the store calls behind the Publisher's GET /apis?query= (kind API) and
  // the DevPortal's GET /search, first page of 25; "before" runs what list_apis did before on the
  // same data: search_text LIKE over the apis table and, for field filters and the DevPortal (which
  // then filtered visibility and paged in C++), every candidate's definition parsed.
  auto query = [](std::string_view text, const std::string& kind) {
    store::ApiQuery q = store::parse_api_query(text);
    q.kind = kind;
    return q;
  };
  struct Search {
    const char* label;
    std::string query;
    std::vector<std::string> before_needles;  // what the old code narrowed search_text by
    bool before_parsed_every_match;
  };
  const Search publisher_searches[] = {
      {"free text, 11 matches (api123)", "api123", {"api123"}, false},
      {"free text, all 10,000 match (api)", "api", {"api"}, false},
      {"name:api42 (111 matches)", "name:api42", {"", "api42"}, true},
      {"tag:tag7 (200)", "tag:tag7", {"", "tag7"}, true},
      {"context:/c999 (11)", "context:/c999", {"", "/c999"}, true},
      {"status:published (all)", "status:published", {""}, true},
      {"version:1 (short: a scan, all)", "version:1", {"", "1"}, true},
  };
  store::sqlite::Db before_db(path);
  auto before = [&](const std::vector<std::string>& needles, bool parse_every_match) {
    std::string where = " WHERE kind = 'API'";
    for (std::size_t k = 0; k < needles.size(); ++k) where += " AND search_text LIKE ? ESCAPE '\\'";
    auto bind = [&](store::sqlite::Stmt& st) {
      for (std::size_t k = 0; k < needles.size(); ++k)
        st.bind(static_cast<int>(k + 1), "%" + needles[k] + "%");
    };
    if (!parse_every_match) {
      auto count = before_db.prepare("SELECT COUNT(*) FROM apis" + where);
      bind(count);
      count.step();
    }
    auto st =
        before_db.prepare("SELECT definition FROM apis" + where + " ORDER BY created_time, id" +
                          (parse_every_match ? "" : " LIMIT 25"));
    bind(st);
    std::size_t n = 0;
    while (st.step())
      n += domain::api_from_json(boost::json::parse(st.text(0)).as_object()).name.size();
    return n;
  };
  std::printf("search (first page of 25)                     before ms    after ms\n");
  for (const auto& sr : publisher_searches) {
    const double after =
        median_ms(runs, [&](int) { (void)store->list_apis(query(sr.query, "API")); });
    const double was = median_ms(
        runs, [&](int) { (void)before(sr.before_needles, sr.before_parsed_every_match); });
    std::printf("Publisher %-36s %10.3f %10.3f\n", sr.label, was, after);
  }
  const store::PortalReader anonymous, subscriber{true, false, {"subscriber"}};
  struct PortalSearch {
    const char* label;
    std::string query;
    const store::PortalReader& reader;
    std::vector<std::string> before_needles;
  };
  const PortalSearch portal_searches[] = {
      {"api42, anonymous", "api42", anonymous, {"api42"}},
      {"api42, subscriber", "api42", subscriber, {"api42"}},
      {"api (all match), subscriber", "api", subscriber, {"api"}},
      {"tag:food, anonymous", "tag:food", anonymous, {"", "food"}},
  };
  for (const auto& sr : portal_searches) {
    const double after = median_ms(
        runs, [&](int) { (void)store->search_portal_apis(sr.reader, query(sr.query, "")); });
    const double was = median_ms(3, [&](int) { (void)before(sr.before_needles, true); });
    std::printf("DevPortal %-36s %10.3f %10.3f\n", sr.label, was, after);
  }
  // GET /tags: before, every API the reader sees was read (list_portal_apis of them all).
  const std::pair<const char*, const store::PortalReader*> tag_readers[] = {
      {"anonymous", &anonymous}, {"subscriber", &subscriber}};
  for (const auto& [label, reader] : tag_readers) {
    const double after = median_ms(runs, [&](int) { (void)store->tag_counts(*reader); });
    const double was =
        median_ms(3, [&](int) { (void)store->list_portal_apis(*reader, INT64_MAX / 2, 0); });
    std::printf("DevPortal /tags, %-29s %10.3f %10.3f\n", label, was, after);
  }
  const double publisher_tags =
      median_ms(runs, [&](int) { (void)store->tag_counts(std::nullopt); });
  std::printf("Publisher /tags (every API)                     %10.3f %10.3f\n", every_api,
              publisher_tags);

  std::printf("save a refresh token (200k live)   %10.3f ms\n", token_save);
  std::printf("its cleanup: index / scan (before) %10.3f / %.3f ms\n", token_cleanup_index,
              token_cleanup_scan);
  std::printf("DevPortal /apis page, anonymous    %10.3f ms\n", portal_anon);
  std::printf("DevPortal /apis page, subscriber   %10.3f ms\n", portal_sub);
  std::printf("DevPortal /apis page at 5000, anon %10.3f ms\n", portal_deep);
  std::printf("token endpoint: one API scope      %10.3f ms\n", scope_lookup);
  std::printf("every API read (before, both)      %10.3f ms\n", every_api);
  std::printf("delete an API                      %10.3f ms\n", del_api);
  std::printf("owner's applications page          %10.3f ms\n", owner_page);
  std::printf("application's subscriptions page   %10.3f ms\n", app_subs);
  std::printf("API's subscriptions page           %10.3f ms\n", api_subs);
  std::printf("subscription tier usage check      %10.3f ms\n", sub_usage);
  std::printf("application tier usage check       %10.3f ms\n", app_usage);
  std::printf("advanced tier usage check          %10.3f ms\n", adv_usage);
  std::printf("create application                 %10.3f ms\n", create_app);
  std::printf("create an API                      %10.3f ms\n", create_api);
  std::printf("GET one API                        %10.3f ms\n", get_api);
  std::printf("GET /apis/{revisionId}             %10.3f ms\n", find_rev);

  // Migration 19 on this store: its objects dropped, then the store opened again (the backfill).
  store.reset();
  {
    store::sqlite::Db db(path);
    db.exec(
        "DROP TABLE api_search; DROP TABLE api_search_rows; DROP TABLE api_tags; "
        "DROP INDEX api_category_refs_by_folded_name; DELETE FROM schema_migrations WHERE version "
        "= 19");
  }
  const auto m0 = Clock::now();
  store = store::open_sqlite_store(path);
  std::printf("migration 19 (search rows of every API) %6.2f s\n",
              std::chrono::duration<double>(Clock::now() - m0).count());
}
