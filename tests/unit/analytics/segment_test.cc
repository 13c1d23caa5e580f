#include "analytics/segment.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

namespace archway::analytics {
namespace {

Event sample(int i) {
  Event e;
  e.time_ms = 1796587200000 + i * 7 - (i % 3 == 0 ? 5 : 0);  // not monotonic: deltas go both ways
  e.total_us = 1000 + i;
  e.backend_us = i % 4 ? 400 + i : 0;
  e.request_bytes = i % 5 ? 0 : 123456789012LL;
  e.response_bytes = 1024;
  e.error_code = i % 7 ? 0 : 900901;
  e.status = static_cast<std::uint16_t>(i % 7 ? 200 : 401);
  e.category = i % 7 ? ErrorCategory::kNone : ErrorCategory::kAuth;
  e.key_type = i % 2 ? KeyType::kProduction : KeyType::kSandbox;
  e.throttled = i % 11 == 0;
  e.forwarded = i % 4 != 0;
  e.api_id.assign(i % 3 ? "api-1" : "api-2");
  e.api_name.assign("PetStore");
  e.api_version.assign("1.0.0");
  e.api_context.assign("/pets");
  e.method.assign(i % 2 ? "GET" : "POST");
  e.resource.assign("/pets/{id}");
  e.application_id.assign("app-" + std::to_string(i % 5));
  e.application_name.assign("App " + std::to_string(i % 5));
  e.application_owner.assign("alice");
  e.subscriber.assign(i % 5 ? "alice" : "");
  e.auth_type.assign("oauth2");
  e.client_ip.assign("10.0.0." + std::to_string(i));  // a new string every event
  e.user_agent.assign("curl/8.0");
  e.throttle_policy.assign(e.throttled ? "Gold" : "");
  e.backend.assign("http://127.0.0.1:8080");
  if (i % 6 == 0) {
    e.product_id.assign("product-1");
    e.product_name.assign("Bundle");
  }
  return e;
}

void expect_same(const Event& want, std::string_view environment, const StoredEvent& got, int i) {
  EXPECT_EQ(got.time_ms, want.time_ms) << i;
  EXPECT_EQ(got.total_us, want.total_us) << i;
  EXPECT_EQ(got.backend_us, want.backend_us) << i;
  EXPECT_EQ(got.request_bytes, want.request_bytes) << i;
  EXPECT_EQ(got.response_bytes, want.response_bytes) << i;
  EXPECT_EQ(got.error_code, want.error_code) << i;
  EXPECT_EQ(got.status, want.status) << i;
  EXPECT_EQ(got.category, want.category) << i;
  EXPECT_EQ(got.key_type, want.key_type) << i;
  EXPECT_EQ(got.throttled, want.throttled) << i;
  EXPECT_EQ(got.forwarded, want.forwarded) << i;
  EXPECT_EQ(got[Text::kApiId], want.api_id.view()) << i;
  EXPECT_EQ(got[Text::kApiName], want.api_name.view()) << i;
  EXPECT_EQ(got[Text::kApiVersion], want.api_version.view()) << i;
  EXPECT_EQ(got[Text::kApiContext], want.api_context.view()) << i;
  EXPECT_EQ(got[Text::kMethod], want.method.view()) << i;
  EXPECT_EQ(got[Text::kResource], want.resource.view()) << i;
  EXPECT_EQ(got[Text::kApplicationId], want.application_id.view()) << i;
  EXPECT_EQ(got[Text::kApplicationName], want.application_name.view()) << i;
  EXPECT_EQ(got[Text::kApplicationOwner], want.application_owner.view()) << i;
  EXPECT_EQ(got[Text::kSubscriber], want.subscriber.view()) << i;
  EXPECT_EQ(got[Text::kAuthType], want.auth_type.view()) << i;
  EXPECT_EQ(got[Text::kClientIp], want.client_ip.view()) << i;
  EXPECT_EQ(got[Text::kUserAgent], want.user_agent.view()) << i;
  EXPECT_EQ(got[Text::kThrottlePolicy], want.throttle_policy.view()) << i;
  EXPECT_EQ(got[Text::kBackend], want.backend.view()) << i;
  EXPECT_EQ(got[Text::kProductId], want.product_id.view()) << i;
  EXPECT_EQ(got[Text::kProductName], want.product_name.view()) << i;
  EXPECT_EQ(got[Text::kEnvironment], environment) << i;
}

TEST(Segment, EveryFieldOfEveryEventReadsBackAsWritten) {
  std::vector<Event> events;
  for (int i = 0; i < 300; ++i) events.push_back(sample(i));
  SegmentEncoder enc;
  for (const Event& e : events) enc.add(e, "Default");
  EXPECT_EQ(enc.size(), 300u);
  const std::string bytes(enc.finish());
  SegmentReader reader(bytes);
  EXPECT_EQ(reader.size(), 300u);
  StoredEvent got;
  int i = 0;
  for (; reader.next(got); ++i) expect_same(events[static_cast<std::size_t>(i)], "Default", got, i);
  EXPECT_EQ(i, 300);
  EXPECT_TRUE(reader.ok());
}

TEST(Segment, RepeatedStringsAreStoredOnce) {
  // 1000 calls of one client: the segment holds each string once and a few bytes per event.
  SegmentEncoder enc;
  Event e = sample(1);
  for (int i = 0; i < 1000; ++i) {
    e.time_ms += 1;
    e.total_us = 900 + i % 50;
    enc.add(e, "Default");
  }
  const std::string_view bytes = enc.finish();
  EXPECT_LT(bytes.size(), 1000u * 16);
}

TEST(Segment, AStringDifferingFromThePreviousEventsInAnyOneByteIsStoredAsItself) {
  // Each length up to 40 (the encoder compares a word at a time, the last word overlapping), each
  // event differing from the one before it in one byte at each position in turn.
  SegmentEncoder enc;
  std::vector<Event> events;
  for (std::size_t n = 1; n <= 40; ++n)
    for (std::size_t at = 0; at < n; ++at) {
      Event e = sample(1);
      std::string ua(n, 'u');
      e.user_agent.assign(ua);
      events.push_back(e);
      ua[at] = 'v';
      e.user_agent.assign(ua);
      events.push_back(e);
    }
  for (const Event& e : events) enc.add(e, "Default");
  const std::string bytes(enc.finish());
  SegmentReader reader(bytes);
  StoredEvent got;
  std::size_t i = 0;
  for (; reader.next(got); ++i)
    ASSERT_EQ(got[Text::kUserAgent], events[i].user_agent.view()) << i;
  EXPECT_EQ(i, events.size());
  EXPECT_TRUE(reader.ok());
}

TEST(Segment, AnEventWithEveryStringChangedAndExtremeNumbersReadsBack) {
  // The longest record an event can take: every string new, every number at its widest.
  SegmentEncoder enc;
  Event a = sample(3), b = sample(4);
  b.time_ms = a.time_ms - (std::int64_t{1} << 47);
  b.total_us = b.backend_us = b.request_bytes = b.response_bytes = -(std::int64_t{1} << 47);
  b.error_code = std::numeric_limits<std::int32_t>::min();
  b.status = std::numeric_limits<std::uint16_t>::max();
  b.throttled = b.forwarded = true;
  b.api_id.assign("x1");
  b.api_name.assign("x2");
  b.api_version.assign("x3");
  b.api_context.assign("x4");
  b.method.assign("x5");
  b.resource.assign("x6");
  b.application_id.assign("x7");
  b.application_name.assign("x8");
  b.application_owner.assign("x9");
  b.subscriber.assign("x10");
  b.auth_type.assign("x11");
  b.client_ip.assign("x12");
  b.user_agent.assign("x13");
  b.throttle_policy.assign("x14");
  b.backend.assign("x15");
  b.product_id.assign("x16");
  b.product_name.assign("x17");
  enc.add(a, "Default");
  enc.add(b, "Other");
  const std::string bytes(enc.finish());
  SegmentReader reader(bytes);
  StoredEvent got;
  ASSERT_TRUE(reader.next(got));
  expect_same(a, "Default", got, 0);
  ASSERT_TRUE(reader.next(got));
  expect_same(b, "Other", got, 1);
  EXPECT_FALSE(reader.next(got));
  EXPECT_TRUE(reader.ok());
}

TEST(Segment, TheEncoderStartsAFreshSegmentAfterFinish) {
  SegmentEncoder enc;
  const Event a = sample(1), b = sample(2);
  enc.add(a, "Default");
  const std::string first(enc.finish());
  enc.add(b, "Other");
  EXPECT_EQ(enc.first_ms(), b.time_ms);
  const std::string second(enc.finish());
  StoredEvent got;
  SegmentReader r1(first), r2(second);
  ASSERT_TRUE(r1.next(got));
  expect_same(a, "Default", got, 0);
  EXPECT_FALSE(r1.next(got));
  ASSERT_TRUE(r2.next(got));
  expect_same(b, "Other", got, 1);  // its strings are not taken from the first segment's
  EXPECT_FALSE(r2.next(got));
  EXPECT_TRUE(r1.ok() && r2.ok());
}

TEST(Segment, DamagedBytesEndTheReadingWithoutReadingOutOfBounds) {
  SegmentEncoder enc;
  std::vector<Event> events;  // the encoder refers to their strings until finish()
  for (int i = 0; i < 50; ++i) events.push_back(sample(i));
  for (const Event& e : events) enc.add(e, "Default");
  const std::string bytes(enc.finish());
  StoredEvent got;
  // Every truncation: never more events than whole ones, and a short read says so.
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    SegmentReader r(std::string_view(bytes).substr(0, cut));
    std::size_t n = 0;
    while (r.next(got)) ++n;
    EXPECT_LT(n, 50u) << cut;
    EXPECT_FALSE(r.ok()) << cut;
  }
  // Random corruption: whatever comes out, views stay inside the buffer (ASan checks the rest).
  std::mt19937 rnd(7);
  for (int round = 0; round < 2000; ++round) {
    std::string bad = bytes;
    for (int k = 0; k < 4; ++k) bad[rnd() % bad.size()] = static_cast<char>(rnd());
    SegmentReader r(bad);
    while (r.next(got)) {
      for (std::string_view t : got.text) {
        if (t.empty()) continue;
        EXPECT_GE(t.data(), bad.data());
        EXPECT_LE(t.data() + t.size(), bad.data() + bad.size());
      }
    }
  }
  EXPECT_FALSE(SegmentReader("").ok());
  EXPECT_FALSE(SegmentReader("\x02").ok());  // a version this build does not know
}

bool reads_whole(std::string_view bytes) {
  SegmentReader r(bytes);
  StoredEvent got;
  std::size_t n = 0;
  while (r.next(got)) ++n;
  return r.ok() && r.at_end() && n == r.size();
}

std::string encoded(const std::vector<Event>& events) {
  SegmentEncoder enc;
  for (const Event& e : events) enc.add(e, "Default");
  return std::string(enc.finish());
}

void put_varint(std::string& out, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  out.push_back(static_cast<char>(v));
}

// Found writing tests/fuzz/segment_fuzz.cc (UBSan confirms the overflow on the old reader): a
// peer's segment could carry times whose sum overflowed int64 (undefined behaviour), or that
// overflowed later in the rollups' minute arithmetic; an error code past 32 bits was cut silently.
TEST(Segment, TimesAndQuantitiesFurtherThan2To48FromZeroAreRefusedNotWrapped) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 48;
  Event e = sample(1);
  EXPECT_TRUE(reads_whole(encoded({e})));
  e.total_us = kLimit;
  EXPECT_TRUE(reads_whole(encoded({e})));  // the bound itself is kept
  for (std::int64_t Event::*field : {&Event::time_ms, &Event::total_us, &Event::backend_us,
                                     &Event::request_bytes, &Event::response_bytes}) {
    for (std::int64_t bad : {kLimit + 1, -kLimit - 1, std::numeric_limits<std::int64_t>::max(),
                             std::numeric_limits<std::int64_t>::min()}) {
      Event b = sample(1);
      b.*field = bad;
      EXPECT_FALSE(reads_whole(encoded({b}))) << bad;
      EXPECT_FALSE(reads_whole(encoded({sample(2), b}))) << bad;  // as a delta from a sane time
    }
  }
  // The furthest apart two times in range can be still reads back.
  Event early = sample(1), late = sample(2);
  early.time_ms = -kLimit;
  late.time_ms = kLimit;
  EXPECT_TRUE(reads_whole(encoded({early, late, early})));

  // One event, every field zero but its error code, 2^40.
  std::string bytes = "\x01";
  put_varint(bytes, 1);  // events
  put_varint(bytes, 0);  // base time
  put_varint(bytes, 0);  // strings
  put_varint(bytes, 0);  // mask
  put_varint(bytes, 0);  // time delta
  put_varint(bytes, 200);
  std::string with_code = bytes;
  put_varint(with_code, std::uint64_t{1} << 41);  // zigzag of 2^40
  with_code.append(std::string(3, '\0') + std::string(4, '\0'));
  EXPECT_FALSE(reads_whole(with_code));
  put_varint(bytes, 2 * 900901);
  bytes.append(std::string(3, '\0') + std::string(4, '\0'));
  EXPECT_TRUE(reads_whole(bytes));
}

}  // namespace
}  // namespace archway::analytics
