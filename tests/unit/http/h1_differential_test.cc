// Differential test of the HTTP/1.1 parser against Beast's (the parser the gateway uses today),
// over the committed corpus in tests/corpus/http1 and variants generated from it: every file cut at
// every position, CRLF turned into LF, header names in other cases, each head line repeated.
//
// When both accept a message they must agree on method, target, version, status, reason, the field
// sequence (trailers included), body bytes, keep-alive and bytes consumed. When Beast refuses, we
// must refuse. When we refuse what Beast accepts, the refusal must be one of the stricter rules
// listed in `stricter_rule` below (the smuggling shapes of RFC 9112 and request_checks), each
// checked against the shape of the message Beast read; anything else fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "http/h1/body.h"
#include "http/h1/parser.h"

namespace archway::http::h1 {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::size_t kHeadLimit = 8192;

struct Message {
  std::string method, target, reason;
  int version = 0;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> fields;  // head fields, then trailer fields
  std::string body;
  bool keep_alive = false;
  std::size_t consumed = 0;

  bool operator==(const Message&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Message& m) {
  os << "{" << m.method << " " << m.target << " v" << m.version << " " << m.status << " '"
     << m.reason << "' fields[";
  for (const auto& [k, v] : m.fields) os << k << ": " << v << "; ";
  return os << "] body(" << m.body.size() << ")='" << m.body.substr(0, 40)
            << "' keep_alive=" << m.keep_alive << " consumed=" << m.consumed << "}";
}

enum class End { kComplete, kIncomplete, kRejected };

// What a parser made of a buffer: the messages it read one after the other, and how it stopped.
struct Outcome {
  std::vector<Message> messages;
  End end = End::kComplete;
  ParseError error = ParseError::kNone;  // ours, when kRejected
  std::string beast_error;               // Beast's, when kRejected
};

template <bool IsRequest>
End beast_one(std::string_view buf, bool head_request, Message& m, std::string& why) {
  bhttp::parser<IsRequest, bhttp::string_body> p;
  p.eager(true);
  p.header_limit(kHeadLimit);
  p.body_limit(boost::none);
  if constexpr (!IsRequest) p.skip(head_request);
  boost::beast::error_code ec;
  std::size_t n = p.put(boost::asio::buffer(buf.data(), buf.size()), ec);
  if (ec == bhttp::error::need_more) return End::kIncomplete;
  if (ec) {
    why = ec.message();
    return End::kRejected;
  }
  if (!p.is_done()) {
    if (!p.is_header_done() || !p.need_eof() || n != buf.size()) return End::kIncomplete;
    p.put_eof(ec);  // a body that runs until close: the buffer's end is the close
    if (ec) {
      why = ec.message();
      return End::kRejected;
    }
  }
  const auto& msg = p.get();
  if constexpr (IsRequest) {
    m.method = std::string(msg.method_string());
    m.target = std::string(msg.target());
  } else {
    m.status = static_cast<int>(msg.result_int());
    m.reason = std::string(msg.reason());
  }
  m.version = static_cast<int>(msg.version());
  for (const auto& f : msg)
    m.fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
  m.body = msg.body();
  m.keep_alive = p.keep_alive();
  m.consumed = n;
  return End::kComplete;
}

Outcome beast_parse(std::string_view buf, bool request, bool head_request) {
  Outcome out;
  while (!buf.empty()) {
    Message m;
    const End e = request ? beast_one<true>(buf, false, m, out.beast_error)
                          : beast_one<false>(buf, head_request, m, out.beast_error);
    if (e != End::kComplete) {
      out.end = e;
      return out;
    }
    buf.remove_prefix(m.consumed);
    out.messages.push_back(std::move(m));
  }
  return out;
}

void add_trailers(std::string_view t, Message& m) {
  while (!t.empty()) {
    const std::size_t eol = t.find("\r\n");
    const std::string_view line = t.substr(0, eol);
    const std::size_t colon = line.find(':');
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    m.fields.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    t.remove_prefix(eol + 2);
  }
}

Outcome our_parse(std::string_view buf, bool request, bool head_request) {
  Outcome out;
  Limits limits;
  limits.max_head_bytes = kHeadLimit;
  Head head;
  while (!buf.empty()) {
    const ParseResult r = request ? parse_request(buf, head, limits)
                                  : parse_response(buf, head, head_request, limits);
    if (r.status != ParseStatus::kDone) {
      out.end = r.status == ParseStatus::kNeedMore ? End::kIncomplete : End::kRejected;
      out.error = r.error;
      return out;
    }
    Message m;
    if (request) {
      m.method = std::string(head.method_text);
      m.target = std::string(head.target);
    } else {
      m.status = head.status;
      // Beast's reason() gives the standard phrase for an empty reason; compare on those terms.
      m.reason = head.reason.empty()
                     ? std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(head.status)))
                     : std::string(head.reason);
    }
    m.version = head.version;
    for (const Field& f : head.fields())
      m.fields.emplace_back(std::string(f.name), std::string(f.value));
    m.keep_alive = head.keep_alive;
    std::string_view rest = buf.substr(r.consumed);
    std::size_t used = r.consumed;
    switch (head.framing) {
      case Framing::kNone:
        break;
      case Framing::kContentLength:
        if (rest.size() < head.content_length) {
          out.end = End::kIncomplete;
          return out;
        }
        m.body = std::string(rest.substr(0, head.content_length));
        used += head.content_length;
        break;
      case Framing::kUntilClose:
        m.body = std::string(rest);
        used += rest.size();
        break;
      case Framing::kChunked: {
        ChunkedDecoder dec;
        for (;;) {
          const BodyStep s = dec.next(rest);
          rest.remove_prefix(s.consumed);
          used += s.consumed;
          if (s.status == BodyStatus::kData) {
            m.body.append(s.data);
            continue;
          }
          if (s.status == BodyStatus::kDone) {
            add_trailers(s.trailers, m);
            break;
          }
          out.end = s.status == BodyStatus::kNeedMore ? End::kIncomplete : End::kRejected;
          out.error = s.error;
          return out;
        }
        break;
      }
    }
    m.consumed = used;
    buf.remove_prefix(used);
    out.messages.push_back(std::move(m));
  }
  return out;
}

std::size_t count_fields(const Message& m, std::string_view name) {
  return static_cast<std::size_t>(std::count_if(
      m.fields.begin(), m.fields.end(), [&](const auto& f) { return iequals(f.first, name); }));
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f; });
}

// The rules where we refuse what Beast accepts, each with the shape it must see in Beast's message
// (`beast`, read from `raw`) so that a refusal for any other reason still fails. Returns why, or
// nullopt when the refusal is not one of them.
std::optional<std::string> stricter_rule(ParseError ours, const Message& beast,
                                         std::string_view raw, bool request) {
  const std::string_view head = raw.substr(0, std::min(raw.size(), raw.find("\r\n\r\n")));
  switch (ours) {
    case ParseError::kMultipleContentLength:
      // RFC 9112 section 6.3 lets a recipient merge equal repeats; we refuse lists and repeats.
      if (count_fields(beast, "content-length") > 1 || head.find(',') != std::string_view::npos)
        return "repeated or listed Content-Length";
      break;
    case ParseError::kBadTransferEncoding:
    case ParseError::kUnsupportedTransferCoding:
      // Beast reads a request whose final coding is not chunked as having no body, and a
      // response after "chunked, chunked" as running until close; request_checks refuses these
      // (400 and 501).
      if (count_fields(beast, "transfer-encoding") > 0)
        return "Transfer-Encoding without one final chunked";
      break;
    case ParseError::kContentLengthWithTransferEncoding:
      // Beast takes Content-Length after a Transfer-Encoding that does not end in chunked.
      if (count_fields(beast, "transfer-encoding") > 0 && count_fields(beast, "content-length") > 0)
        return "Content-Length with Transfer-Encoding";
      break;
    case ParseError::kTransferEncodingInHttp10:
      if (beast.version == 10 && count_fields(beast, "transfer-encoding") > 0)
        return "Transfer-Encoding in HTTP/1.0";
      break;
    case ParseError::kMissingHost:
      if (request && beast.version == 11 && count_fields(beast, "host") == 0)
        return "HTTP/1.1 without Host";
      break;
    case ParseError::kMultipleHost:
      if (count_fields(beast, "host") > 1) return "more than one Host";
      break;
    case ParseError::kObsFold:
      // Beast unfolds obs-fold; RFC 9112 section 5.2 lets a server reject it, and we do.
      if (head.find("\r\n ") != std::string_view::npos ||
          head.find("\r\n\t") != std::string_view::npos)
        return "obs-fold";
      break;
    case ParseError::kTooManyFields:
      if (beast.fields.size() > Limits{}.max_fields) return "more fields than the limit";
      break;
    case ParseError::kHeadTooLarge:
      // Beast limits the start line and the field block separately; ours limits the total.
      if (head.size() + 4 > kHeadLimit) return "head larger than the limit";
      break;
    case ParseError::kBadStatus:
      if (beast.status < 100) return "status below 100";
      break;
    case ParseError::kForbiddenTrailer:
      // Beast applies a trailer's Connection to the connection; we refuse it in trailers.
      if (count_fields(beast, "connection") + count_fields(beast, "proxy-connection") > 0)
        return "Connection in trailer";
      break;
    case ParseError::kBadTrailer:
      if (raw.find("\r\n ") != std::string_view::npos ||
          raw.find("\r\n\t") != std::string_view::npos)
        return "obs-fold in trailer";
      break;
    case ParseError::kBadChunkExtension:
      // Beast lets any byte but '"' and '\' through a quoted chunk extension; we want qdtext.
      if (raw.find('"') != std::string_view::npos && has_control(raw.substr(head.size() + 4)))
        return "control character in a quoted chunk extension";
      break;
    default:
      break;
  }
  return std::nullopt;
}

struct Input {
  std::string name;
  std::string bytes;
  bool request = true;
  bool head_request = false;
};

struct Tally {
  std::size_t inputs = 0, both_accept = 0, both_reject = 0, stricter = 0, deferred = 0;
  std::map<std::string, std::size_t> stricter_by_rule;
};

// Compares our outcome with Beast's for one input; `whole_rejected`: we reject the uncut input this
// one was cut from (a prefix where one parser waits for more and the other already refuses is fine
// when the whole input is refused).
void compare(const Input& in, bool whole_rejected, Tally& tally) {
  ++tally.inputs;
  const Outcome beast = beast_parse(in.bytes, in.request, in.head_request);
  const Outcome ours = our_parse(in.bytes, in.request, in.head_request);
  const std::size_t common = std::min(beast.messages.size(), ours.messages.size());
  for (std::size_t i = 0; i < common; ++i) {
    ASSERT_EQ(ours.messages[i], beast.messages[i]) << in.name << " message " << i;
  }
  if (beast.messages.size() == ours.messages.size()) {
    if (beast.end == ours.end) {
      ++(beast.end == End::kRejected ? tally.both_reject : tally.both_accept);
      return;
    }
    if (beast.end != End::kComplete && ours.end != End::kComplete) {
      // One waits for more where the other refuses already.
      ASSERT_TRUE(whole_rejected || ours.end == End::kRejected)
          << in.name << ": Beast refused (" << beast.beast_error << ") where we wait for more";
      ++tally.deferred;
      return;
    }
  }
  // We stopped earlier than Beast: we refuse (or wait for) a message Beast accepted.
  ASSERT_LT(ours.messages.size(), beast.messages.size())
      << in.name << ": we accepted a message Beast did not (" << beast.beast_error << ")";
  const Message& accepted = beast.messages[ours.messages.size()];
  ASSERT_EQ(ours.end, End::kRejected)
      << in.name << ": we wait for more where Beast accepted " << accepted;
  std::size_t offset = 0;
  for (std::size_t i = 0; i < ours.messages.size(); ++i) offset += ours.messages[i].consumed;
  const std::string_view raw = std::string_view(in.bytes).substr(offset, accepted.consumed);
  const std::optional<std::string> rule = stricter_rule(ours.error, accepted, raw, in.request);
  ASSERT_TRUE(rule.has_value()) << in.name << ": we refused (" << error_message(ours.error)
                                << ") a message Beast accepted and no stricter rule covers it: "
                                << accepted;
  ++tally.stricter;
  ++tally.stricter_by_rule[*rule];
}

std::vector<Input> corpus() {
  std::vector<Input> inputs;
  for (const auto& entry : std::filesystem::directory_iterator(ARCHWAY_HTTP1_CORPUS_DIR)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".http") continue;
    std::ifstream f(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    Input in{name, ss.str(), name.rfind("req-", 0) == 0, name.rfind("resp-head-", 0) == 0};
    inputs.push_back(std::move(in));
  }
  std::sort(inputs.begin(), inputs.end(),
            [](const Input& a, const Input& b) { return a.name < b.name; });
  return inputs;
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  for (std::size_t i = s.find(from); i != std::string_view::npos; i = s.find(from)) {
    out.append(s.substr(0, i)).append(to);
    s.remove_prefix(i + from.size());
  }
  return out.append(s);
}

// Variants of a message that stay close to it: line endings, name case, a repeated head line.
std::vector<Input> variants(const Input& in) {
  std::vector<Input> out;
  const auto add = [&](std::string suffix, std::string bytes) {
    Input v = in;
    v.name += suffix;
    v.bytes = std::move(bytes);
    out.push_back(std::move(v));
  };
  add(" [all CRLF as LF]", replace_all(in.bytes, "\r\n", "\n"));
  add(" [all CRLF as CR]", replace_all(in.bytes, "\r\n", "\r"));
  const std::size_t head_end = std::min(in.bytes.size(), in.bytes.find("\r\n\r\n"));
  for (std::size_t i = in.bytes.find("\r\n"), k = 0; i < head_end + 4 && i != std::string::npos;
       i = in.bytes.find("\r\n", i + 2), ++k) {
    std::string lf = in.bytes;
    lf.erase(i, 1);
    add(" [CRLF " + std::to_string(k) + " as LF]", lf);
  }
  std::string lower = in.bytes, upper = in.bytes;
  for (std::size_t i = 0; i < head_end; ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[i])));
    upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
  }
  add(" [head lower-case]", lower);
  add(" [head upper-case]", upper);
  // Each field line repeated: makes duplicate Host, Content-Length and Transfer-Encoding shapes.
  std::size_t line = in.bytes.find("\r\n");
  while (line != std::string::npos && line + 2 < head_end) {
    const std::size_t next = in.bytes.find("\r\n", line + 2);
    if (next == std::string::npos || next > head_end) break;
    std::string dup = in.bytes;
    dup.insert(next + 2, in.bytes.substr(line + 2, next - line));
    add(" [line repeated at " + std::to_string(line) + "]", dup);
    line = next;
  }
  return out;
}

void run(const std::vector<Input>& inputs, Tally& tally) {
  for (const Input& in : inputs) {
    const bool rejected = our_parse(in.bytes, in.request, in.head_request).end == End::kRejected;
    compare(in, rejected, tally);
    if (::testing::Test::HasFatalFailure()) return;
    for (std::size_t cut = 0; cut < in.bytes.size(); ++cut) {
      Input prefix = in;
      prefix.name += " [cut at " + std::to_string(cut) + "]";
      prefix.bytes.resize(cut);
      compare(prefix, rejected, tally);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

void report(const char* what, const Tally& t) {
  std::cout << what << ": " << t.inputs << " inputs; both accept " << t.both_accept
            << ", both refuse " << t.both_reject << ", we refuse first or earlier " << t.deferred
            << ", stricter than Beast " << t.stricter << "\n";
  for (const auto& [rule, n] : t.stricter_by_rule)
    std::cout << "  stricter: " << rule << " x" << n << "\n";
}

TEST(H1Differential, AgreesWithBeastOnTheCorpusCutAtEveryPosition) {
  const std::vector<Input> inputs = corpus();
  ASSERT_GE(inputs.size(), 90u) << ARCHWAY_HTTP1_CORPUS_DIR;
  Tally tally;
  run(inputs, tally);
  report("corpus", tally);
  EXPECT_GT(tally.both_accept, 0u);
  EXPECT_GT(tally.stricter, 0u);
}

TEST(H1Differential, AgreesWithBeastOnVariantsOfTheCorpus) {
  std::vector<Input> all;
  for (const Input& in : corpus())
    for (Input& v : variants(in)) all.push_back(std::move(v));
  Tally tally;
  run(all, tally);
  report("variants", tally);
}

// Every smuggling shape in the corpus is refused (named smuggle-*), whatever Beast does with it.
TEST(H1Differential, RefusesEverySmugglingShapeInTheCorpus) {
  std::size_t shapes = 0;
  for (const Input& in : corpus()) {
    if (in.name.find("smuggle-") == std::string::npos) continue;
    ++shapes;
    EXPECT_EQ(our_parse(in.bytes, in.request, in.head_request).end, End::kRejected) << in.name;
  }
  EXPECT_GE(shapes, 40u);
}

}  // namespace
}  // namespace archway::http::h1
