#pragma once
// Raw events as the analytics store keeps them: a batch of events encoded into one compact blob, a
// segment. Every distinct string of the batch is stored once (the segment's dictionary) and each
// event as a few varints: its numbers, and dictionary indexes for the strings that differ from the
// previous event's (a bit mask says which). A gateway's traffic repeats itself (the same API,
// application, user agent, backend), so an event costs a few dozen bytes and a few hundred
// nanoseconds to store, against a row of 28 columns and its index entries.
//
// Layout (all integers LEB128 varints, signed ones zigzag-encoded):
//   version (1) | event count | base time (ms, signed) | dictionary size | (length, bytes)...
//   then per event: changed-strings mask | time delta from the previous event (signed) | status |
//   error code (signed) | category | key type | flags (1 throttled, 2 forwarded) | total µs |
//   backend µs | request bytes | response bytes | one dictionary index per changed string.
// Index 0 of every dictionary is the empty string.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analytics/event.h"

namespace archway::analytics {

// The strings of an event, in the order the segment stores them.
enum class Text : std::uint8_t {
  kApiId,
  kApiName,
  kApiVersion,
  kApiContext,
  kMethod,
  kResource,
  kApplicationId,
  kApplicationName,
  kApplicationOwner,
  kSubscriber,
  kAuthType,
  kClientIp,
  kUserAgent,
  kThrottlePolicy,
  kBackend,
  kProductId,
  kProductName,
  kEnvironment,
};
inline constexpr std::size_t kTextFields = 18;

// One event read back from a segment; its strings are views into the segment's bytes.
struct StoredEvent {
  std::int64_t time_ms = 0, total_us = 0, backend_us = 0, request_bytes = 0, response_bytes = 0;
  std::int32_t error_code = 0;
  std::uint16_t status = 0;
  ErrorCategory category = ErrorCategory::kNone;
  KeyType key_type = KeyType::kNone;
  bool throttled = false, forwarded = false;
  std::array<std::string_view, kTextFields> text{};

  std::string_view operator[](Text t) const noexcept { return text[static_cast<std::size_t>(t)]; }
};

// Builds one segment from events added in order. The strings of the events added are referenced,
// not copied, until finish(): the events must stay valid until then. Reused from segment to
// segment, it keeps its buffers (no allocation once they have grown to a batch's size).
class SegmentEncoder {
 public:
  SegmentEncoder();
  // `environment` is the gateway environment that served the event.
  void add(const Event& e, std::string_view environment);
  std::size_t size() const noexcept { return count_; }
  std::int64_t first_ms() const noexcept { return first_ms_; }  // earliest event time
  std::int64_t last_ms() const noexcept { return last_ms_; }    // latest event time
  // The segment's bytes (valid until the next add() or finish()); the encoder starts a new segment.
  std::string_view finish();

 private:
  std::uint32_t intern(std::string_view s);

  std::size_t count_ = 0;
  std::int64_t base_ms_ = 0, previous_ms_ = 0, first_ms_ = 0, last_ms_ = 0;
  std::array<std::string_view, kTextFields> previous_{};
  std::unordered_map<std::string_view, std::uint32_t> index_;
  std::vector<std::string_view> dictionary_;
  std::string events_;  // the encoded events
  std::string out_;     // header, dictionary and events, as finish() hands them out
};

// Reads a segment's events in the order they were added. Malformed bytes (a damaged database, a
// hostile peer) end the reading early with ok() false, never read out of bounds; so does a time or
// quantity further than 2^48 from zero, or an error code past 32 bits.
class SegmentReader {
 public:
  explicit SegmentReader(std::string_view bytes);
  // The next event, or false at the end (or at the first malformed byte: see ok()).
  bool next(StoredEvent& e);
  bool ok() const noexcept { return ok_; }
  // Events the segment says it holds.
  std::size_t size() const noexcept { return count_; }
  // Every byte read (a whole, well-formed segment once next() said false with ok()).
  bool at_end() const noexcept { return pos_ == in_.size(); }

 private:
  bool fail() noexcept {
    ok_ = false;
    return false;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::size_t count_ = 0, read_ = 0;
  std::int64_t previous_ms_ = 0;
  std::vector<std::string_view> dictionary_;
  std::array<std::string_view, kTextFields> previous_{};
  bool ok_ = true;
};

}  // namespace archway::analytics
