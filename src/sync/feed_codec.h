#pragma once
// The gateway feed's wire form (docs/deployment.md): what a control plane sends a remote gateway.
// Owned by sync/ and written out field by field, so renaming a REST field or a stored column
// changes nothing here; a change to this form bumps kFeedFormat.
//
// Both documents are JSON lines (one JSON object a line, "\n"-terminated):
// - a snapshot: a "snapshot" line (revision, deployed APIs, the security state without its
//   subscriptions), "subscriptions" lines of up to kSubscriptionChunk each, and an "end" line
//   with the subscription count (a snapshot without it is truncated);
// - the event stream: "batch" lines (the ConfigChanges of the change-log revisions after `from`
//   up to `revision`), "heartbeat" lines, and a last "resnapshot" line when the gateway must
//   take a new snapshot.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/api.h"
#include "domain/application.h"
#include "domain/config_change.h"

namespace archway::sync {

inline constexpr int kFeedFormat = 1;
inline constexpr std::size_t kSubscriptionChunk = 16384;

// A line that does not have the shape this format gives it.
class FeedCodecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The head of a snapshot: everything but the subscriptions (security.subscriptions is empty).
struct SnapshotHead {
  std::int64_t revision = 0;
  std::string environment;
  std::vector<domain::DeployedApi> apis;
  domain::SecurityState security;
};

// One line of the event stream.
struct FeedMessage {
  enum class Kind { kBatch, kHeartbeat, kResnapshot };
  Kind kind = Kind::kHeartbeat;
  std::int64_t from = 0;      // batch: the revision it follows
  std::int64_t revision = 0;  // batch: its last revision; heartbeat: the sender's; resnapshot: where it stopped
  std::vector<domain::ConfigChange> changes;  // batch
  std::string reason;                         // resnapshot
};

// One line of a snapshot, decoded.
struct SnapshotLine {
  enum class Kind { kHead, kSubscriptions, kEnd };
  Kind kind = Kind::kHead;
  SnapshotHead head;                                // kHead
  std::vector<domain::Subscription> subscriptions;  // kSubscriptions
  std::uint64_t count = 0;                          // kEnd: subscriptions in the snapshot
};

// Encoders: each returns one line, newline included.
std::string encode_snapshot_head(const SnapshotHead& head);
std::string encode_subscriptions(const std::vector<domain::Subscription>& chunk);
std::string encode_snapshot_end(std::uint64_t subscriptions);
std::string encode_batch(std::int64_t from, std::int64_t revision, const std::vector<domain::ConfigChange>& changes);
std::string encode_heartbeat(std::int64_t revision);
std::string encode_resnapshot(std::int64_t revision, std::string_view reason);

// Decoders of one line (without or with its newline); throw FeedCodecError.
SnapshotLine decode_snapshot_line(std::string_view line);
FeedMessage decode_message(std::string_view line);

// Single values, for tests and for whoever needs one piece.
std::string encode_change(const domain::ConfigChange& change);
domain::ConfigChange decode_change(std::string_view json);
std::string encode_deployed_api(const domain::DeployedApi& api);
domain::DeployedApi decode_deployed_api(std::string_view json);
std::string encode_security_state(const domain::SecurityState& security);
domain::SecurityState decode_security_state(std::string_view json);

}  // namespace archway::sync
