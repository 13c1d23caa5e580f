#pragma once
// Store: the persistence of the control plane, one interface per aggregate (users, APIs,
// content, catalog, policies, applications, subscriptions, the Key Manager's records,
// certificates, what gateways load, workflows, the change log). Every method is one transaction;
// writes a gateway must know append a change event in that same transaction (DESIGN.md §6).
// Uniqueness violations throw common::ProblemError with status 409.
//
// The aggregates are written once, over the backend-neutral SQL layer (store/sql/connection.h),
// in store/sql/*_sql.cc; a backend is a sql::ConnectionSource (store/sqlite/sqlite_connection.h).
// `Store` is the facade callers hold: it is every aggregate at once. The bases are virtual so
// that an implementation is composed of one class per aggregate (store/sql/sql_store.h).
#include <memory>
#include <string>

#include "store/api_store.h"
#include "store/application_store.h"
#include "store/catalog_store.h"
#include "store/certificate_store.h"
#include "store/change_log.h"
#include "store/content_store.h"
#include "store/gateway_state_store.h"
#include "store/key_manager_store.h"
#include "store/policy_store.h"
#include "store/subscription_store.h"
#include "store/user_store.h"
#include "store/workflow_store.h"

namespace archway::store {

class Store : public virtual UserStore,
              public virtual ApiStore,
              public virtual ContentStore,
              public virtual CatalogStore,
              public virtual PolicyStore,
              public virtual ApplicationStore,
              public virtual SubscriptionStore,
              public virtual KeyManagerStore,
              public virtual CertificateStore,
              public virtual GatewayStateStore,
              public virtual WorkflowStore,
              public virtual ChangeLog {
 public:
  ~Store() override = default;
};

// Opens (creating if needed) the SQLite database at `path` and runs migrations.
std::unique_ptr<Store> open_sqlite_store(const std::string& path);

}  // namespace archway::store
