#pragma once
// Subscriptions of applications to APIs. One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/application.h"
#include "domain/workflow.h"

namespace archway::store {

// Subscriptions filtered by any of: application, API, owner of the application (empty: any).
// Ordered by the application's creation when `owner` is given, else by the subscription's.
struct SubscriptionQuery {
  std::string application_id;
  std::string api_id;
  std::string owner;
  std::int64_t limit = 25;
  std::int64_t offset = 0;
};

struct SubscriptionPage {
  std::vector<domain::Subscription> list;
  std::int64_t total = 0;
};

class SubscriptionStore {
 public:
  virtual ~SubscriptionStore() = default;

  // Subscriptions (one per application and API).
  virtual void create_subscription(const domain::Subscription& sub) = 0;
  // A subscription waiting for approval (status ON_HOLD) and its task, in one transaction.
  virtual void create_subscription(const domain::Subscription& sub, const domain::Workflow& approval) = 0;
  // A tier change waiting for approval: the status becomes TIER_UPDATE_PENDING (the tier stays
  // until approval) and the task is stored, in one transaction (404 when it is gone).
  virtual void request_subscription_tier(std::string_view id, const domain::Workflow& approval) = 0;
  // Creates all of them in one transaction, or none: 409 naming the position of the first that
  // repeats an existing subscription or an earlier one of the list. `approvals` are stored with
  // them (the tasks of subscriptions that wait for approval).
  virtual void create_subscriptions(const std::vector<domain::Subscription>& subs,
                                    const std::vector<domain::Workflow>& approvals) = 0;
  virtual std::optional<domain::Subscription> get_subscription(std::string_view id) = 0;
  virtual std::vector<domain::Subscription> list_subscriptions(std::string_view application_id,
                                                               std::string_view api_id) = 0;
  virtual SubscriptionPage list_subscriptions_page(const SubscriptionQuery& query) = 0;
  virtual std::int64_t count_subscriptions(std::string_view application_id) = 0;
  virtual void update_subscription_status(std::string_view id, std::string_view status) = 0;
  // Moves a subscription to another tier (404 when it is gone).
  virtual void update_subscription_tier(std::string_view id, std::string_view tier) = 0;
  virtual bool delete_subscription(std::string_view id) = 0;
};

}  // namespace archway::store
