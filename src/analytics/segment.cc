#include "analytics/segment.h"

#include <algorithm>

#include "common/word_compare.h"

namespace archway::analytics {

namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kThrottledFlag = 1, kForwardedFlag = 2;
// The largest magnitude a time (ms) or a quantity (µs, bytes) of a stored event may have: far past
// anything a gateway measures (2^48 ms is the year 10889), and small enough that sums of them and
// minute arithmetic never overflow. A segment holding a larger one is malformed (a hostile peer).
constexpr std::int64_t kMaxMagnitude = std::int64_t{1} << 48;

bool in_range(std::int64_t v) { return v >= -kMaxMagnitude && v <= kMaxMagnitude; }

void put_varint(std::string& out, std::uint64_t v) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

void put_signed(std::string& out, std::int64_t v) { put_varint(out, zigzag(v)); }

// The same two, writing at `p` (room for ten bytes) and returning the end.
char* put_varint(char* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
char* put_signed(char* p, std::int64_t v) { return put_varint(p, zigzag(v)); }

// The most an event's record takes: the mask (18 bits, 3 bytes), the time delta, the error code and
// four quantities (10 bytes each at most), the status (16 bits, 3 bytes), three single bytes and a
// 32-bit index per string (5 bytes each).
constexpr std::size_t kMaxEventBytes = 3 + 10 + 3 + 10 + 3 + 4 * 10 + kTextFields * 5;

// Whether an event's string equals the previous event's: nearly always, and they are short, so
// they are compared a word at a time in line (the last word overlapping the one before it) rather
// than through a call to memcmp for each of the eighteen.
bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         common::words_match(a.data(), b.data(), a.size(), [](auto x, auto y) { return x == y; });
}

// Reads a varint at `pos`; false when the bytes end first or it runs past 64 bits.
bool get_varint(std::string_view in, std::size_t& pos, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size()) return false;
    const auto b = static_cast<std::uint8_t>(in[pos++]);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

std::array<std::string_view, kTextFields> texts_of(const Event& e, std::string_view environment) {
  return {e.api_id.view(),         e.api_name.view(),         e.api_version.view(),
          e.api_context.view(),    e.method.view(),           e.resource.view(),
          e.application_id.view(), e.application_name.view(), e.application_owner.view(),
          e.subscriber.view(),     e.auth_type.view(),        e.client_ip.view(),
          e.user_agent.view(),     e.throttle_policy.view(),  e.backend.view(),
          e.product_id.view(),     e.product_name.view(),     environment};
}

}  // namespace

SegmentEncoder::SegmentEncoder() { dictionary_.push_back({}); }

std::uint32_t SegmentEncoder::intern(std::string_view s) {
  if (s.empty()) return 0;
  const auto [it, added] = index_.try_emplace(s, static_cast<std::uint32_t>(dictionary_.size()));
  if (added) dictionary_.push_back(s);
  return it->second;
}

void SegmentEncoder::add(const Event& e, std::string_view environment) {
  if (count_ == 0) {
    base_ms_ = previous_ms_ = first_ms_ = last_ms_ = e.time_ms;
  }
  const auto texts = texts_of(e, environment);
  std::uint32_t mask = 0;
  std::array<std::uint32_t, kTextFields> refs{};
  for (std::size_t f = 0; f < kTextFields; ++f) {
    // A segment starts with every previous string empty, as its reader does.
    if (same_text(texts[f], previous_[f])) continue;
    mask |= 1u << f;
    refs[f] = intern(texts[f]);
    previous_[f] = texts[f];
  }
  // The record is written into a local buffer and appended once.
  char record[kMaxEventBytes];
  char* p = put_varint(record, mask);
  // Wrapping (not overflowing) on absurd times: the reader refuses those.
  p = put_signed(p, static_cast<std::int64_t>(static_cast<std::uint64_t>(e.time_ms) -
                                              static_cast<std::uint64_t>(previous_ms_)));
  p = put_varint(p, e.status);
  p = put_signed(p, e.error_code);
  *p++ = static_cast<char>(e.category);
  *p++ = static_cast<char>(e.key_type);
  *p++ = static_cast<char>((e.throttled ? kThrottledFlag : 0) | (e.forwarded ? kForwardedFlag : 0));
  p = put_signed(p, e.total_us);
  p = put_signed(p, e.backend_us);
  p = put_signed(p, e.request_bytes);
  p = put_signed(p, e.response_bytes);
  for (std::size_t f = 0; f < kTextFields; ++f)
    if (mask & (1u << f)) p = put_varint(p, refs[f]);
  events_.append(record, static_cast<std::size_t>(p - record));
  previous_ms_ = e.time_ms;
  first_ms_ = std::min(first_ms_, e.time_ms);
  last_ms_ = std::max(last_ms_, e.time_ms);
  ++count_;
}

std::string_view SegmentEncoder::finish() {
  out_.clear();
  out_.push_back(static_cast<char>(kVersion));
  put_varint(out_, count_);
  put_signed(out_, base_ms_);
  put_varint(out_, dictionary_.size() - 1);  // the empty string at index 0 is implied
  for (std::size_t i = 1; i < dictionary_.size(); ++i) {
    put_varint(out_, dictionary_[i].size());
    out_.append(dictionary_[i]);
  }
  out_.append(events_);
  count_ = 0;
  events_.clear();
  index_.clear();
  dictionary_.resize(1);
  previous_ = {};
  return out_;
}

SegmentReader::SegmentReader(std::string_view bytes) : in_(bytes) {
  std::uint64_t count = 0, base = 0, strings = 0;
  if (in_.empty() || static_cast<std::uint8_t>(in_[0]) != kVersion) {
    ok_ = false;
    return;
  }
  pos_ = 1;
  if (!get_varint(in_, pos_, count) || !get_varint(in_, pos_, base) ||
      !get_varint(in_, pos_, strings) || strings > in_.size()) {
    ok_ = false;
    return;
  }
  count_ = static_cast<std::size_t>(std::min<std::uint64_t>(count, in_.size()));
  previous_ms_ = unzigzag(base);
  // Every string takes a byte at least (its length): no more than the bytes left.
  if (!in_range(previous_ms_) || strings > in_.size() - pos_) {
    ok_ = false;
    return;
  }
  dictionary_.reserve(static_cast<std::size_t>(strings) + 1);
  dictionary_.push_back({});
  for (std::uint64_t i = 0; i < strings; ++i) {
    std::uint64_t len = 0;
    if (!get_varint(in_, pos_, len) || len > in_.size() - pos_) {
      ok_ = false;
      return;
    }
    dictionary_.push_back(in_.substr(pos_, static_cast<std::size_t>(len)));
    pos_ += static_cast<std::size_t>(len);
  }
}

bool SegmentReader::next(StoredEvent& e) {
  if (!ok_ || read_ >= count_) return false;
  std::uint64_t mask = 0, delta = 0, status = 0, code = 0, total = 0, backend = 0, req = 0,
                resp = 0;
  if (!get_varint(in_, pos_, mask) || !get_varint(in_, pos_, delta) ||
      !get_varint(in_, pos_, status) || !get_varint(in_, pos_, code) || in_.size() - pos_ < 3)
    return fail();
  const auto category = static_cast<std::uint8_t>(in_[pos_]);
  const auto key_type = static_cast<std::uint8_t>(in_[pos_ + 1]);
  const auto flags = static_cast<std::uint8_t>(in_[pos_ + 2]);
  pos_ += 3;
  if (!get_varint(in_, pos_, total) || !get_varint(in_, pos_, backend) ||
      !get_varint(in_, pos_, req) || !get_varint(in_, pos_, resp))
    return fail();
  if (category > static_cast<std::uint8_t>(ErrorCategory::kOther) ||
      key_type > static_cast<std::uint8_t>(KeyType::kSandbox) || status > 0xffff ||
      mask >> kTextFields)
    return fail();
  const std::int64_t delta_ms = unzigzag(delta), error_code = unzigzag(code);
  // Two times in range are at most 2^49 apart; checked first, the sum cannot overflow.
  if (delta_ms < -2 * kMaxMagnitude || delta_ms > 2 * kMaxMagnitude ||
      !in_range(previous_ms_ + delta_ms) || error_code != static_cast<std::int32_t>(error_code) ||
      !in_range(unzigzag(total)) || !in_range(unzigzag(backend)) || !in_range(unzigzag(req)) ||
      !in_range(unzigzag(resp)))
    return fail();
  for (std::size_t f = 0; f < kTextFields; ++f) {
    if (!(mask & (1u << f))) continue;
    std::uint64_t ref = 0;
    if (!get_varint(in_, pos_, ref) || ref >= dictionary_.size()) return fail();
    previous_[f] = dictionary_[static_cast<std::size_t>(ref)];
  }
  previous_ms_ += delta_ms;
  e.time_ms = previous_ms_;
  e.status = static_cast<std::uint16_t>(status);
  e.error_code = static_cast<std::int32_t>(error_code);
  e.category = static_cast<ErrorCategory>(category);
  e.key_type = static_cast<KeyType>(key_type);
  e.throttled = flags & kThrottledFlag;
  e.forwarded = flags & kForwardedFlag;
  e.total_us = unzigzag(total);
  e.backend_us = unzigzag(backend);
  e.request_bytes = unzigzag(req);
  e.response_bytes = unzigzag(resp);
  e.text = previous_;
  ++read_;
  return true;
}

}  // namespace archway::analytics
