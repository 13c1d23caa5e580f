#include "app/bulk_load.h"

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "common/clock.h"
#include "common/ids.h"
#include "crypto/random.h"
#include "domain/api_json.h"
#include "store/store.h"

namespace archway::app {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Prints "<what>: <done>/<total>" about every tenth of the way.
void progress(const char* what, std::int64_t done, std::int64_t total, Clock::time_point began) {
  if (total < 10 || done == total || done % (total / 10) == 0)
    std::cout << what << ": " << done << "/" << total << " (" << seconds_since(began) << " s)" << std::endl;
}

domain::Api api_of(const BulkLoadOptions& o, std::int64_t i) {
  static constexpr const char* kVerbs[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};
  domain::Api a;
  a.id = common::new_uuid();
  a.name = o.prefix + std::to_string(i);
  a.context = "/" + o.prefix + std::to_string(i);
  a.version = "1.0.0";
  a.provider = "admin";
  a.policies = {"Unlimited"};
  // As the REST API stores it: the endpoint document as given, and what it says.
  a.endpoint_config = domain::endpoint_config_from_json(boost::json::object{
      {"endpoint_type", "http"}, {"production_endpoints", boost::json::object{{"url", o.backend_url}}}});
  for (std::int64_t k = 0; k < o.operations_per_api; ++k)
    a.operations.push_back({"", "/r" + std::to_string(k / 5) + (k % 5 == 0 ? "" : "/{id}"), kVerbs[k % 5]});
  a.created_time = a.last_updated_time = common::now_millis();
  return a;
}

}  // namespace

int run_bulk_load(const BulkLoadOptions& o) {
  if (o.apis < 0 || o.applications < 0 || o.subscriptions < 0 || o.operations_per_api < 1) {
    std::cerr << "archway bulk-load: counts must be positive (operations per API at least 1)\n";
    return 2;
  }
  if (o.subscriptions > 0 && (o.apis == 0 || o.applications == 0)) {
    std::cerr << "archway bulk-load: subscriptions need --apis and --applications\n";
    return 2;
  }
  if (o.applications > 0 && o.subscriptions > o.apis * o.applications) {
    std::cerr << "archway bulk-load: at most apis x applications subscriptions (one per application and API)\n";
    return 2;
  }
  try {
    std::filesystem::create_directories(o.data_dir);
    auto store = store::open_sqlite_store((std::filesystem::path(o.data_dir) / "archway.db").string());
    const auto began = Clock::now();
    std::vector<std::string> api_ids;
    api_ids.reserve(static_cast<std::size_t>(o.apis));
    for (std::int64_t i = 0; i < o.apis; ++i) {
      const domain::Api a = api_of(o, i);
      store->create_api(a);
      store->change_lifecycle({{a.id, "CREATED", "PUBLISHED", "admin", common::now_millis()}}, {});
      const domain::Revision rev = store->create_revision(*store->get_api(a.id), "bulk-load");
      store->deploy_revision(a.id, rev.id, {domain::Deployment{}});
      api_ids.push_back(a.id);
      progress("APIs", i + 1, o.apis, began);
    }
    std::vector<std::string> app_ids;
    app_ids.reserve(static_cast<std::size_t>(o.applications));
    for (std::int64_t i = 0; i < o.applications; ++i) {
      domain::Application app;
      app.id = common::new_uuid();
      app.name = o.prefix + "-app" + std::to_string(i);
      app.owner = "admin";
      app.created_time = app.updated_time = common::now_millis();
      store->create_application(app);
      domain::KeyMapping k;
      k.id = common::new_uuid();
      k.application_id = app.id;
      k.key_type = std::string(domain::kKeyTypeProduction);
      k.consumer_key = common::new_uuid();
      k.consumer_secret_hash = crypto::random_password(43);  // nobody knows the secret: generate keys anew to use it
      k.grant_types = {"client_credentials"};
      k.created_time = common::now_millis();
      store->create_key_mapping(k);
      app_ids.push_back(app.id);
      progress("applications", i + 1, o.applications, began);
    }
    // Application j subscribes to APIs j, j+1, ... (mod the API count): every pair at most once,
    // and the subscriptions spread evenly over the APIs.
    const auto n_apps = static_cast<std::int64_t>(app_ids.size());
    const auto n_apis = static_cast<std::int64_t>(api_ids.size());
    for (std::int64_t k = 0; k < o.subscriptions; ++k) {
      domain::Subscription s;
      s.id = common::new_uuid();
      s.application_id = app_ids[static_cast<std::size_t>(k % n_apps)];
      s.api_id = api_ids[static_cast<std::size_t>((k % n_apps + k / n_apps) % n_apis)];
      s.throttling_policy = "Unlimited";
      s.created_time = common::now_millis();
      store->create_subscription(s);
      progress("subscriptions", k + 1, o.subscriptions, began);
    }
    std::cout << "loaded " << o.apis << " API(s), " << o.applications << " application(s), " << o.subscriptions
              << " subscription(s) in " << seconds_since(began) << " s" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "archway bulk-load: " << e.what() << "\n";
  }
  return 1;
}

}  // namespace archway::app
