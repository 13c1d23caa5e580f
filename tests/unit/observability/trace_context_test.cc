#include "observability/trace_context.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "observability/prometheus.h"
#include "observability/span_exporter.h"

namespace archway::observability {
namespace {

std::string hex(const std::uint8_t* p, std::size_t n) {
  std::string s(2 * n, '?');
  to_hex(p, n, s.data());
  return s;
}

TEST(TraceContext, ValidVersion00IsParsed) {
  TraceContext c;
  ASSERT_TRUE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", c));
  EXPECT_EQ(hex(c.trace_id.data(), 16), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(hex(c.parent_id.data(), 8), "00f067aa0ba902b7");
  EXPECT_TRUE(c.sampled());
  ASSERT_TRUE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", c));
  EXPECT_FALSE(c.sampled());
}

TEST(TraceContext, InvalidValuesAreRefused) {
  TraceContext c;
  for (const char* bad : {
           "", "garbage", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
           "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
       })
    EXPECT_FALSE(parse_traceparent(bad, c)) << bad;
}

TEST(TraceContext, LaterVersionsAreReadByTheirFirstFields) {
  TraceContext c;
  EXPECT_TRUE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more", c));
  EXPECT_TRUE(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", c));
  EXPECT_FALSE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01more", c));
}

TEST(TraceContext, WrittenHeaderParsesBackWithTheSameIds) {
  const TraceId t = new_trace_id();
  const SpanId s = new_span_id();
  std::array<char, kTraceparentSize> out;
  write_traceparent(out, t, s, 1);
  TraceContext c;
  ASSERT_TRUE(parse_traceparent(std::string_view(out.data(), out.size()), c));
  EXPECT_EQ(c.trace_id, t);
  EXPECT_EQ(c.parent_id, s);
  EXPECT_EQ(c.flags, 1);
}

TEST(TraceContext, NewIdsAreNonZeroAndDistinct) {
  std::set<TraceId> seen;
  for (int i = 0; i < 1000; ++i) {
    const TraceId t = new_trace_id();
    EXPECT_NE(t, TraceId{});
    EXPECT_TRUE(seen.insert(t).second);
  }
}

TEST(PrometheusText, LabelValuesAreEscaped) {
  std::string out;
  write_sample(out, "m_total", {{"api", "a\"b\\c\nd"}}, std::uint64_t{3});
  EXPECT_EQ(out, "m_total{api=\"a\\\"b\\\\c\\nd\"} 3\n");
}

TEST(OtlpEndpoint, BadUrlsAreRefusedWithAReason) {
  EXPECT_EQ(parse_otlp_endpoint("http://collector:4318/v1/traces").port, "4318");
  EXPECT_EQ(parse_otlp_endpoint("http://collector/v1/traces").port, "4318");
  EXPECT_EQ(parse_otlp_endpoint("http://[::1]:9/x").host, "::1");
  for (const char* bad : {"https://c:4318/v1/traces", "http://:4318/x", "http://c:0/x", "http://c:70000/x",
                          "http://c:12a/x", "collector:4318"})
    EXPECT_THROW(parse_otlp_endpoint(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace archway::observability
