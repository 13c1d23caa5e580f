// What gateways load to authorise calls, over the SQL layer (see store/gateway_state_store.h).
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
#include "store/sql/records.h"

namespace archway::store {

using sql::run_unique;

namespace records {

// With `entries` false: only the small, rarely changed sets (policies, block conditions, signing
// keys, external key managers).
domain::SecurityState read_security(sql::Connection& conn, std::int64_t now_s, std::int64_t grace_s,
                                    bool entries, bool subscriptions) {
  domain::SecurityState st;
  {
    if (entries) {
      Stmt s = conn.prepare(kAppColumns);
      while (s.step()) st.applications.push_back(app_from(s));
    }
    if (entries) {
      Stmt s = conn.prepare(kKeyColumns);
      while (s.step()) {
        auto k = key_from(s);
        k.consumer_secret_hash.clear();
        st.key_mappings.push_back(std::move(k));
      }
    }
    if (subscriptions) {
      Stmt s = conn.prepare(kSubColumns);
      while (s.step()) st.subscriptions.push_back(sub_from(s));
    }
    if (entries) {
      Stmt s = conn.prepare("SELECT jti, expires_at FROM revoked_tokens WHERE expires_at >= ?");
      s.bind(1, now_s - 300);
      while (s.step()) st.revoked_tokens.push_back({s.text(0), s.integer(1)});
    }
    {
      Stmt s = conn.prepare(
          "SELECT public_jwk FROM signing_keys WHERE retired_time = 0 OR retired_time >= ?");
      s.bind(1, (now_s - grace_s) * 1000);
      while (s.step()) st.public_jwks.push_back(s.text(0));
    }
    {
      Stmt s = conn.prepare(kKmColumns + std::string(" WHERE enabled = 1"));
      while (s.step()) st.external_key_managers.push_back(km_from(s));
    }
    {
      Stmt s = conn.prepare(
          "SELECT id, level, unlimited, definition FROM throttle_policies ORDER BY level, name");
      while (s.step()) st.policies.push_back(policy_from(s));
    }
    {
      Stmt s =
          conn.prepare(std::string(kBlockColumns) + " WHERE enabled = 1 ORDER BY created_time, id");
      while (s.step()) st.block_conditions.push_back(block_from(s));
    }
    {
      Stmt s = conn.prepare(std::string(kEndpointCertColumns) + " ORDER BY alias");
      while (s.step()) st.endpoint_certificates.push_back(endpoint_cert_from(s));
    }
    {
      Stmt s = conn.prepare(std::string(kClientCertColumns) + " ORDER BY api_id, key_type, alias");
      while (s.step()) st.client_certificates.push_back(client_cert_from(s));
    }
  }
  return st;
}

}  // namespace records

using namespace records;

domain::SecurityState SqlGatewayStateStore::security_state(std::int64_t now_s,
                                                           std::int64_t grace_s) {
  return db_.read([&](sql::Connection& conn) -> domain::SecurityState {
    return read_security(conn, now_s, grace_s, true, true);
  });
}

domain::SecurityState SqlGatewayStateStore::security_settings(std::int64_t now_s,
                                                              std::int64_t grace_s) {
  return db_.read([&](sql::Connection& conn) -> domain::SecurityState {
    return read_security(conn, now_s, grace_s, false, false);
  });
}

domain::SecurityState SqlGatewayStateStore::security_state_except_subscriptions(
    std::int64_t now_s, std::int64_t grace_s) {
  return db_.read([&](sql::Connection& conn) -> domain::SecurityState {
    return read_security(conn, now_s, grace_s, true, false);
  });
}

void SqlGatewayStateStore::for_each_subscription(
    const std::function<void(domain::Subscription&&)>& f) {
  return db_.read([&](sql::Connection& conn) -> void {
    Stmt s = conn.prepare(kSubColumns);
    while (s.step()) f(sub_from(s));
  });
}

}  // namespace archway::store
