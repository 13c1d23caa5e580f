#pragma once
// The change log: the events writes append in their transaction, read by the change feed in
// revision order. One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace archway::store {

// One entry of the change log, in revision order.
struct ChangeEvent {
  std::int64_t revision = 0;
  std::string type;  // "api.deployed", "api.undeployed", "api.lifecycle", "policy.changed", ...
  std::string entity_id;  // e.g. the API id
  std::string payload;    // JSON
  std::int64_t created_time = 0;
};

class ChangeLog {
 public:
  virtual ~ChangeLog() = default;

  // Change log
  virtual std::vector<ChangeEvent> events_after(std::int64_t revision, std::size_t limit) = 0;
  // Called after a commit that appended events, with the newest revision (from the writer's thread).
  virtual void set_commit_listener(std::function<void(std::int64_t)> listener) = 0;
};

}  // namespace archway::store
