// libFuzzer target for analytics segments (segment.h), which a control plane takes from remote
// gateways (POST /internal/gateway/v1/analytics, AnalyticsStore::write_segment). The first byte
// picks what the rest is:
//   even: a segment's bytes. SegmentReader keeps every string it hands out inside those bytes and
//     reads no more events than the segment claims; write_segment, on a SQLite database in a
//     temporary directory, stores it exactly when the reader finds one whole segment, and throws
//     std::invalid_argument otherwise with nothing stored; a stored segment's events list as JSON.
//   odd: field values for a few events. SegmentEncoder's segment of them reads back equal, field
//     by field, when every time and quantity is within the reader's range (2^48 from zero), and is
//     refused otherwise.
// Seeds: tests/corpus/segment (make_seeds.py). Built and run by scripts/fuzz.sh (`make fuzz`).
#include <fuzzer/FuzzedDataProvider.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/analytics_store.h"
#include "analytics/segment.h"

namespace {

using namespace archway::analytics;

constexpr std::int64_t kLimit = std::int64_t{1} << 48;

// The database, in a directory of its own removed when the run ends (not after a crash: the
// directory is then part of what to look at).
struct Database {
  std::string dir;
  std::unique_ptr<AnalyticsStore> store;
  std::int64_t seq = 0;

  Database() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "archway-fuzz-segment-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) __builtin_trap();
    dir = tmpl;
    store = std::make_unique<AnalyticsStore>(dir + "/analytics.db", "fuzz");
  }
  ~Database() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  // Starts the next input from an empty database (prune() would raise the raw horizon for good).
  void clear() {
    auto conn = store->reader();
    conn->exec(
        "DELETE FROM analytics_segments; DELETE FROM analytics_minute; DELETE FROM "
        "analytics_minute_latency");
  }
  std::int64_t segments() {
    auto conn = store->reader();
    auto st = conn->prepare("SELECT COUNT(*) FROM analytics_segments");
    if (!st.step()) __builtin_trap();
    return st.integer(0);
  }
};

Database& database() {
  static Database db;
  return db;
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void check_bytes(std::string_view bytes) {
  SegmentReader reader(bytes);
  StoredEvent e;
  std::size_t n = 0;
  while (reader.next(e)) {
    ++n;
    for (std::string_view t : e.text)
      if (!inside(t, bytes)) __builtin_trap();
    if (e.time_ms < -kLimit || e.time_ms > kLimit) __builtin_trap();
  }
  if (n > reader.size() || (reader.ok() && n != reader.size())) __builtin_trap();
  const bool whole = reader.ok() && reader.at_end() && n > 0;

  Database& db = database();
  const std::int64_t before = db.segments();
  bool stored = false;
  try {
    stored = db.store->write_segment(bytes, "gw:8280", "boot", ++db.seq);
    if (!whole || !stored) __builtin_trap();
  } catch (const std::invalid_argument&) {
    if (whole) __builtin_trap();
  }
  if (db.segments() != before + (stored ? 1 : 0)) __builtin_trap();
  if (!stored) return;
  Scope all;
  all.from_ms = -kLimit;
  all.to_ms = kLimit + 1;
  const auto page = db.store->events(all, 5, 0);
  if (page.at("count").as_int64() != static_cast<std::int64_t>(std::min<std::size_t>(n, 5)))
    __builtin_trap();
  (void)boost::json::serialize(page);
  db.clear();
}

std::int64_t quantity(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      return in.ConsumeIntegralInRange<std::int64_t>(0, 1 << 20);
    case 1:
      return in.ConsumeIntegralInRange<std::int64_t>(-kLimit, kLimit);
    case 2:
      return in.ConsumeBool() ? kLimit : -kLimit;
    default:
      return in.ConsumeIntegral<std::int64_t>();
  }
}

template <std::size_t N>
void text(FuzzedDataProvider& in, InlineText<N>& t, const std::vector<std::string>& pool) {
  if (in.ConsumeBool()) {
    t.assign(pool[in.ConsumeIntegralInRange<std::size_t>(0, pool.size() - 1)]);
  } else {
    t.assign(in.ConsumeRandomLengthString(N + 4));
  }
}

void check_round_trip(FuzzedDataProvider& in) {
  // Strings repeat across events, as a gateway's traffic does, so the dictionary is shared.
  const std::vector<std::string> pool{"",           "api-1",    "GET",
                                      "/pets/{id}", "curl/8.5", std::string(200, 'x')};
  const std::size_t count = in.ConsumeIntegralInRange<std::size_t>(1, 24);
  std::vector<Event> events(count);
  const std::string environment = in.ConsumeRandomLengthString(40);
  bool valid = true;
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < count; ++i) {
    Event& e = events[i];
    // Mostly near the previous event's time, as a gateway's are.
    if (!in.ConsumeBool() ||
        __builtin_add_overflow(previous, in.ConsumeIntegralInRange<std::int64_t>(-5000, 5000),
                               &e.time_ms))
      e.time_ms = quantity(in);
    previous = e.time_ms;
    e.total_us = quantity(in);
    e.backend_us = quantity(in);
    e.request_bytes = quantity(in);
    e.response_bytes = quantity(in);
    e.error_code = in.ConsumeIntegral<std::int32_t>();
    e.status = in.ConsumeIntegral<std::uint16_t>();
    e.category = static_cast<ErrorCategory>(in.ConsumeIntegralInRange<int>(0, 7));
    e.key_type = static_cast<KeyType>(in.ConsumeIntegralInRange<int>(0, 2));
    e.throttled = in.ConsumeBool();
    e.forwarded = in.ConsumeBool();
    text(in, e.api_id, pool);
    text(in, e.api_name, pool);
    text(in, e.api_version, pool);
    text(in, e.api_context, pool);
    text(in, e.method, pool);
    text(in, e.resource, pool);
    text(in, e.application_id, pool);
    text(in, e.application_name, pool);
    text(in, e.application_owner, pool);
    text(in, e.subscriber, pool);
    text(in, e.auth_type, pool);
    text(in, e.client_ip, pool);
    text(in, e.user_agent, pool);
    text(in, e.throttle_policy, pool);
    text(in, e.backend, pool);
    text(in, e.product_id, pool);
    text(in, e.product_name, pool);
    for (std::int64_t v : {e.time_ms, e.total_us, e.backend_us, e.request_bytes, e.response_bytes})
      if (v < -kLimit || v > kLimit) valid = false;
  }
  SegmentEncoder encoder;
  for (const Event& e : events) encoder.add(e, environment);
  if (encoder.size() != count) __builtin_trap();
  const std::string bytes(encoder.finish());

  SegmentReader reader(bytes);
  StoredEvent s;
  std::size_t n = 0;
  while (reader.next(s)) {
    const Event& e = events[n++];
    const std::array<std::string_view, kTextFields> texts{
        e.api_id.view(),         e.api_name.view(),         e.api_version.view(),
        e.api_context.view(),    e.method.view(),           e.resource.view(),
        e.application_id.view(), e.application_name.view(), e.application_owner.view(),
        e.subscriber.view(),     e.auth_type.view(),        e.client_ip.view(),
        e.user_agent.view(),     e.throttle_policy.view(),  e.backend.view(),
        e.product_id.view(),     e.product_name.view(),     environment};
    if (s.time_ms != e.time_ms || s.total_us != e.total_us || s.backend_us != e.backend_us ||
        s.request_bytes != e.request_bytes || s.response_bytes != e.response_bytes ||
        s.error_code != e.error_code || s.status != e.status || s.category != e.category ||
        s.key_type != e.key_type || s.throttled != e.throttled || s.forwarded != e.forwarded ||
        s.text != texts)
      __builtin_trap();
  }
  const bool whole = reader.ok() && reader.at_end() && n == count && reader.size() == count;
  if (whole != valid) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  if (data[0] % 2 == 0) {
    check_bytes(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  } else {
    FuzzedDataProvider in(data + 1, size - 1);
    check_round_trip(in);
  }
  return 0;
}
