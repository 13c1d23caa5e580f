// libFuzzer target for the HTTP/1.1 parser (src/http/h1), which reads untrusted bytes from clients
// and backends: the input is parsed as a request and as a response, whole and split at a position
// the fuzzer chooses, and then:
// - consumed never exceeds the input, and every view of a parsed head lies inside the input;
// - a prefix decides like the whole: a head complete in the prefix is the same head, an error in
//   the prefix is an error in the whole;
// - a parsed head written out again (writer.h, through the editable Fields table) parses back
//   to the same head;
// - a chunked body decoded in two slices gives the same bytes as decoded at once, its data
//   spans lie inside what was presented, and they sum to what the decoder reports.
// An input is two control bytes (bit 0 of the first: the response answers HEAD; the second: where
// to split, as a fraction of the rest) and then the message. Not part of the CMake build (libFuzzer
// needs clang); build, seed from tests/corpus/http1 and run it from the repository root:
//   clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined \
//     -fno-sanitize-recover=undefined \
//     -Isrc src/http/h1/*.cc tests/fuzz/http1_fuzz.cc -o /tmp/http1_fuzz
//   mkdir -p /tmp/http1_seeds /tmp/http1_corpus && for f in tests/corpus/http1/*.http; do \
//     (printf '\000\200'; cat "$f") > /tmp/http1_seeds/$(basename "$f"); done
//   /tmp/http1_fuzz -max_total_time=300 -max_len=4096 /tmp/http1_corpus /tmp/http1_seeds
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/h1/body.h"
#include "http/h1/fields.h"
#include "http/h1/parser.h"
#include "http/h1/writer.h"

namespace {

using namespace archway::http::h1;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

ParseResult parse(std::string_view buf, Head& head, bool request, bool head_request,
                  const Limits& limits) {
  return request ? parse_request(buf, head, limits)
                 : parse_response(buf, head, head_request, limits);
}

bool same_head(const Head& a, const Head& b, bool request) {
  if (a.version != b.version || a.field_count != b.field_count || a.framing != b.framing ||
      a.content_length != b.content_length || a.keep_alive != b.keep_alive ||
      a.expect_continue != b.expect_continue || a.upgrade != b.upgrade)
    return false;
  if (request ? (a.method_text != b.method_text || a.target != b.target || a.method != b.method)
              : (a.status != b.status || a.reason != b.reason))
    return false;
  for (std::size_t i = 0; i < a.field_count; ++i)
    if (a.field_table[i].name != b.field_table[i].name ||
        a.field_table[i].value != b.field_table[i].value ||
        a.field_table[i].id != b.field_table[i].id)
      return false;
  return true;
}

struct Decoded {
  BodyStatus status = BodyStatus::kNeedMore;
  std::string body;
  std::size_t consumed = 0;
};

// Decodes `in` offering the first `split` bytes, then everything (unconsumed bytes again).
Decoded decode(std::string_view in, std::size_t split, const ChunkedLimits& limits) {
  ChunkedDecoder dec(limits);
  Decoded out;
  std::size_t offered = split;
  for (;;) {
    const std::string_view window = in.substr(out.consumed, offered - out.consumed);
    const BodyStep s = dec.next(window);
    check(s.consumed <= window.size());
    out.consumed += s.consumed;
    if (s.status == BodyStatus::kData) {
      check(!s.data.empty() && inside(s.data, window.substr(0, s.consumed)));
      out.body.append(s.data);
      check(dec.body_bytes() == out.body.size());
      continue;
    }
    if (s.status == BodyStatus::kDone) check(inside(s.trailers, window.substr(0, s.consumed)));
    if (s.status == BodyStatus::kNeedMore && offered < in.size()) {
      offered = in.size();
      continue;
    }
    out.status = s.status;
    return out;
  }
}

void one(std::string_view data, bool request, bool head_request, std::size_t split) {
  Limits limits;
  limits.max_head_bytes = 2048;
  limits.max_fields = 20;
  limits.max_target_bytes = 256;
  Head head;
  const ParseResult whole = parse(data, head, request, head_request, limits);
  check(whole.consumed <= data.size());
  Head prefix_head;
  const ParseResult prefix =
      parse(data.substr(0, split), prefix_head, request, head_request, limits);
  if (prefix.status == ParseStatus::kDone)
    check(whole.done() && whole.consumed == prefix.consumed &&
          same_head(head, prefix_head, request));
  if (prefix.status == ParseStatus::kError && split < limits.max_head_bytes)
    check(whole.status == ParseStatus::kError);
  if (whole.done() && whole.consumed <= split) check(prefix.done());
  if (!whole.done()) return;

  check(head.head_bytes == whole.consumed && head.field_count <= limits.max_fields);
  const std::string_view head_text = data.substr(0, whole.consumed);
  check(inside(head.method_text, head_text) && inside(head.target, head_text) &&
        inside(head.reason, head_text));
  for (const Field& f : head.fields())
    check(!f.name.empty() && inside(f.name, head_text) && inside(f.value, head_text));

  // Written out again through the field table, the head parses back to itself.
  Fields fields;
  fields.assign(head.fields());
  std::string out;
  check(request
            ? write_request_head(out, head.method_text, head.target, head.version, fields.view())
            : write_response_head(out, head.version, head.status,
                                  head.reason.empty() ? " " : head.reason, fields.view()));
  Head back;
  Limits roomy = limits;
  roomy.max_head_bytes = out.size() + 1;
  const ParseResult again = parse(out, back, request, head_request, roomy);
  check(again.done() && again.consumed == out.size());
  if (!head.reason.empty() || request) check(same_head(head, back, request));

  // Edits keep the head well-formed: whatever the table accepts writes out and parses back.
  const std::string_view value = data.substr(0, std::min<std::size_t>(data.size(), 32));
  fields.erase_hop_by_hop();
  const bool added = fields.add("X-Fuzz", value);
  check(request
            ? write_request_head(out, head.method_text, head.target, head.version, fields.view())
            : write_response_head(out, head.version, head.status, "OK", fields.view()));
  roomy.max_head_bytes = out.size() + 1;
  roomy.max_fields = Head::kMaxFields;
  const ParseResult edited = parse(out, back, request, head_request, roomy);
  check(edited.status != ParseStatus::kNeedMore);
  if (added && edited.done()) check(back.find("x-fuzz") != nullptr);

  if (head.framing == Framing::kChunked) {
    const std::string_view body = data.substr(whole.consumed);
    ChunkedLimits climits;
    climits.max_line_bytes = 64;
    climits.max_trailer_bytes = 256;
    const Decoded at_once = decode(body, body.size(), climits);
    const Decoded in_two = decode(body, std::min(body.size(), split), climits);
    check(at_once.status == in_two.status && at_once.body == in_two.body);
    if (at_once.status != BodyStatus::kError) check(at_once.consumed == in_two.consumed);
    check(at_once.consumed <= body.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t mode = bytes[0];
  const std::string_view data(reinterpret_cast<const char*>(bytes) + 2, size - 2);
  const std::size_t split = data.empty() ? 0 : (bytes[1] * data.size()) / 255;
  one(data, true, false, split);
  one(data, false, (mode & 1) != 0, split);
  return 0;
}
