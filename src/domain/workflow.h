#pragma once
// Approval tasks (the product's workflows): a change that waits for an administrator. The object
// it concerns stays in a pending state (an application CREATED, a subscription ON_HOLD or
// TIER_UPDATE_PENDING; an API's state change or a revision's deployment not applied at all) and
// gateways do not see it until the task is approved.
#include <cstdint>
#include <string>
#include <string_view>

namespace archway::domain {

// The kinds of change that can wait for approval, by the product's workflow type names.
inline constexpr std::string_view kWorkflowApplicationCreation = "AM_APPLICATION_CREATION";
inline constexpr std::string_view kWorkflowSubscriptionCreation = "AM_SUBSCRIPTION_CREATION";
inline constexpr std::string_view kWorkflowSubscriptionUpdate = "AM_SUBSCRIPTION_UPDATE";
inline constexpr std::string_view kWorkflowApiState = "AM_API_STATE";
inline constexpr std::string_view kWorkflowApiProductState = "AM_API_PRODUCT_STATE";
inline constexpr std::string_view kWorkflowRevisionDeployment = "AM_REVISION_DEPLOYMENT";
inline constexpr std::string_view kWorkflowTypes[] = {
    kWorkflowApplicationCreation, kWorkflowSubscriptionCreation, kWorkflowSubscriptionUpdate,
    kWorkflowApiState,            kWorkflowApiProductState,      kWorkflowRevisionDeployment};

inline constexpr std::string_view kWorkflowCreated = "CREATED";  // pending
inline constexpr std::string_view kWorkflowApproved = "APPROVED";
inline constexpr std::string_view kWorkflowRejected = "REJECTED";

// The pending states of what a task holds back.
inline constexpr std::string_view kApplicationCreated = "CREATED";
inline constexpr std::string_view kApplicationApproved = "APPROVED";
inline constexpr std::string_view kApplicationRejected = "REJECTED";
inline constexpr std::string_view kSubscriptionOnHold = "ON_HOLD";
inline constexpr std::string_view kSubscriptionRejected = "REJECTED";
inline constexpr std::string_view kSubscriptionTierUpdatePending = "TIER_UPDATE_PENDING";

struct Workflow {
  std::string reference_id;  // the product's externalWorkflowRef
  std::string type;          // one of kWorkflowTypes
  std::string status = std::string(kWorkflowCreated);
  std::string subject_id;   // the application, subscription, API or API product
  std::string environment;  // the gateway environment of a revision deployment, else empty
  std::string created_by;   // who asked for the change
  std::string properties;   // JSON object: what the change is (names, tier, action, revision, ...)
  std::string description;  // one line for the approver
  std::string note;         // the approver's description when it was approved or rejected
  std::int64_t created_time = 0;
  std::int64_t updated_time = 0;
};

}  // namespace archway::domain
