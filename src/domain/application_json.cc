#include "domain/application_json.h"

#include "common/clock.h"

namespace archway::domain {

boost::json::object application_to_json(const Application& a, std::int64_t subscription_count) {
  boost::json::object attributes;
  for (const auto& [name, value] : a.attributes) attributes[name] = value;
  return boost::json::object{{"applicationId", a.id},
                             {"name", a.name},
                             {"throttlingPolicy", a.throttling_policy},
                             {"description", a.description},
                             {"tokenType", a.token_type},
                             {"status", a.status},
                             {"groups", boost::json::array()},
                             {"subscriptionCount", subscription_count},
                             {"attributes", std::move(attributes)},
                             {"owner", a.owner},
                             {"visibility", "PRIVATE"},  // an application is its owner's alone
                             {"createdTime", common::iso8601_utc(a.created_time)},
                             {"updatedTime", common::iso8601_utc(a.updated_time)}};
}

}  // namespace archway::domain
