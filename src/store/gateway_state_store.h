#pragma once
// What a gateway loads to authorise calls, read across the other aggregates in one transaction. One aggregate of the store (see store.h).
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

namespace archway::store {

class GatewayStateStore {
 public:
  virtual ~GatewayStateStore() = default;

  // What gateways need to authorise calls (secrets cleared), with the change-log revision.
  virtual domain::SecurityState security_state(std::int64_t now_s, std::int64_t retired_key_grace_s) = 0;
  // Only the small sets of it that change rarely: policies, block conditions, trusted signing keys,
  // external key managers and certificates (applications, keys, subscriptions and revocations left
  // empty).
  virtual domain::SecurityState security_settings(std::int64_t now_s, std::int64_t retired_key_grace_s) = 0;
  // security_state() without the subscriptions (the bulk of it), which for_each_subscription reads:
  // a gateway loading everything builds the rest while they stream in.
  virtual domain::SecurityState security_state_except_subscriptions(std::int64_t now_s,
                                                                    std::int64_t retired_key_grace_s) = 0;
  virtual void for_each_subscription(const std::function<void(domain::Subscription&&)>& f) = 0;
};

}  // namespace archway::store
