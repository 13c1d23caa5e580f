#pragma once
// The session's reads and writes on client and backend streams (plain or TLS; templates over the
// stream type): answers the gateway makes itself, bodies streamed through a fixed buffer or read
// whole (bounded), hop-by-hop fields removed. Nothing here throws on the data path.
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <span>
#include <chrono>
#include <string>
#include <string_view>

#include "common/problem.h"
#include "gateway/mediation.h"
#include "gateway/payload.h"
#include "gateway/read_buffer.h"
#include "gateway/response_cache.h"
#include "gateway/runtime_snapshot.h"
#include "http/h1/body.h"
#include "http/h1/parser.h"
#include "http/h1/writer.h"
#include "traffic/throttler.h"

namespace archway::gateway::internal::io {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace h1 = archway::http::h1;
using common::Problem;
using ms = std::chrono::milliseconds;

inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
inline constexpr std::size_t kChunk = 16 * 1024;

inline bool iequals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

inline bool is_hop_by_hop(bhttp::field name) {
  switch (name) {
    case bhttp::field::connection:
    case bhttp::field::keep_alive:
    case bhttp::field::proxy_connection:
    case bhttp::field::te:
    case bhttp::field::trailer:
    case bhttp::field::transfer_encoding:
    case bhttp::field::upgrade:
    case bhttp::field::proxy_authorization:
    case bhttp::field::proxy_authenticate:
      return true;
    default:
      return false;
  }
}

// Removes hop-by-hop headers (RFC 9110 §7.6.1), including those the Connection header names.
// One pass over the fields finds them; most messages have none but Connection, so the common case
// costs a scan and no tree lookups.
template <class Fields>
void strip_hop_by_hop(Fields& f) {
  bool any = false;
  for (const auto& field : f) any = any || is_hop_by_hop(field.name());
  if (!any) return;
  if (auto conn = f.find(bhttp::field::connection); conn != f.end()) {
    std::string names(conn->value());
    std::size_t i = 0;
    while (i < names.size()) {
      std::size_t j = names.find(',', i);
      if (j == std::string::npos) j = names.size();
      std::string_view tok(names.data() + i, j - i);
      while (!tok.empty() && (tok.front() == ' ' || tok.front() == '\t')) tok.remove_prefix(1);
      while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t')) tok.remove_suffix(1);
      if (!tok.empty() && !iequals(tok, "close") && !iequals(tok, "keep-alive")) f.erase(tok);
      i = j + 1;
    }
  }
  for (auto it = f.begin(); it != f.end();) it = is_hop_by_hop(it->name()) ? f.erase(it) : std::next(it);
}

template <class Stream>
asio::awaitable<bool> write_problem(Stream& s, unsigned version, const Problem& p, bool keep_alive,
                                    std::string_view www_authenticate = {},
                                    const traffic::Decision* throttled = nullptr, std::int64_t retry_after_s = 0) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(p.status), version};
  res.set(bhttp::field::content_type, "application/json");
  if (!www_authenticate.empty()) res.set(bhttp::field::www_authenticate, www_authenticate);
  if (retry_after_s > 0) res.set(bhttp::field::retry_after, std::to_string(retry_after_s));
  if (throttled && throttled->kind == traffic::Decision::Kind::kThrottled) {
    const std::string reset = std::to_string(std::max<std::int64_t>(1, (throttled->reset_ms + 999) / 1000));
    res.set(bhttp::field::retry_after, reset);
    res.set("RateLimit-Limit", std::to_string(throttled->limit));
    res.set("RateLimit-Remaining", "0");
    res.set("RateLimit-Reset", reset);
  }
  res.keep_alive(keep_alive);
  res.body() = p.to_json();
  res.prepare_payload();
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
  auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
  co_return !ec;
}

// An error the gateway answers itself once it deals with the payload or the backend (payload
// refusals, 502/503/504), through the operation's fault flow when it has one: the problem body
// goes through the flow's payload policies, a mock replaces it, header policies run last.
// `retry_after_s` > 0 adds Retry-After (a suspended endpoint says when it is tried again).
template <class Stream>
asio::awaitable<bool> write_fault(Stream& s, unsigned version, const Problem& p, bool keep_alive,
                                  const CompiledFlow* fault, std::int64_t retry_after_s = 0) {
  if (!fault) co_return co_await write_problem(s, version, p, keep_alive, {}, nullptr, retry_after_s);
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(p.status), version};
  if (retry_after_s > 0) res.set(bhttp::field::retry_after, std::to_string(retry_after_s));
  std::string content_type = "application/json";
  std::string body = p.to_json();
  if (!fault->body.empty()) {
    PayloadResult r = run_body_steps(fault->body, body, content_type);
    if (r.ok()) {
      body = std::move(r.body);
    } else {
      content_type = "application/json";
      spdlog::warn("fault flow payload policy left the error as it was: {}", r.error);
    }
  }
  if (fault->mock) {
    if (fault->mock->status_given) res.result(static_cast<unsigned>(fault->mock->status));
    content_type = fault->mock->content_type;
    body = fault->mock->body;
  }
  if (!content_type.empty()) res.set(bhttp::field::content_type, content_type);
  apply_header_ops(fault->headers, res);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
  auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
  co_return !ec;
}

template <class Stream>
asio::awaitable<bool> write_fixed(Stream& s, unsigned version, std::string_view content_type, std::string_view body,
                                  bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> res{bhttp::status::ok, version};
  res.set(bhttp::field::content_type, content_type);
  res.body() = body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  if (head) res.body().clear();  // Content-Length stays; a response to HEAD has no body
  auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
  co_return !ec;
}

// Answers from a cache entry, with CORS for this request's origin.
template <class Stream>
asio::awaitable<bool> write_cached(Stream& s, unsigned version, const CachedResponse& hit, const CompiledCors& cors,
                                   std::string_view origin, bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(hit.status), version};
  for (const auto& [k, v] : hit.headers) res.insert(k, v);
  res.set("X-Cache", "HIT");
  if (cors.enabled)
    if (auto allowed = cors.allow_origin(origin)) {
      res.set(bhttp::field::access_control_allow_origin, *allowed);
      if (cors.credentials) res.set(bhttp::field::access_control_allow_credentials, "true");
      if (*allowed != "*") res.set(bhttp::field::vary, "Origin");
    }
  res.keep_alive(keep_alive);
  res.content_length(hit.content_length);
  if (!head) res.body() = hit.body;
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
  auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
  co_return !ec;
}

// Streams the body `p` reads from `in` to `out` through `sr` (which also writes the header first).
enum class Relay { kOk, kReadError, kWriteError, kReadTimeout, kTooLarge };

template <class In, class Out, bool IsRequest>
asio::awaitable<Relay> relay(In& in, beast::flat_buffer& inbuf, bhttp::parser<IsRequest, bhttp::buffer_body>& p,
                             Out& out, bhttp::serializer<IsRequest, bhttp::buffer_body>& sr, char* buf,
                             ms read_timeout, ms write_timeout, std::int64_t* counted) {
  auto& body = p.get().body();
  do {
    if (!p.is_done()) {
      body.data = buf;
      body.size = kChunk;
      beast::get_lowest_layer(in).expires_after(read_timeout);
      auto [ec, n] = co_await bhttp::async_read(in, inbuf, p, kTuple);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        if (ec == beast::error::timeout) co_return Relay::kReadTimeout;
        if (ec == bhttp::error::body_limit) co_return Relay::kTooLarge;
        co_return Relay::kReadError;
      }
      body.size = kChunk - body.size;
      *counted += static_cast<std::int64_t>(body.size);
      body.data = buf;
      body.more = !p.is_done();
    } else {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
    }
    beast::get_lowest_layer(out).expires_after(write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(out, sr, kTuple);
    if (wec == bhttp::error::need_buffer) wec = {};
    if (wec) co_return Relay::kWriteError;
  } while (!p.is_done() || !sr.is_done());
  co_return Relay::kOk;
}

// Reads the rest of the body `p` parses into `out`, at most `limit` bytes: for payload policies.
template <class In, bool IsRequest>
asio::awaitable<Relay> read_whole(In& in, beast::flat_buffer& inbuf, bhttp::parser<IsRequest, bhttp::buffer_body>& p,
                                  char* buf, std::size_t limit, ms timeout, std::string& out, std::int64_t* counted) {
  if (auto announced = p.content_length(); announced && *announced > limit) co_return Relay::kTooLarge;
  auto& body = p.get().body();
  while (!p.is_done()) {
    body.data = buf;
    body.size = kChunk;
    beast::get_lowest_layer(in).expires_after(timeout);
    auto [ec, n] = co_await bhttp::async_read(in, inbuf, p, kTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return ec == beast::error::timeout ? Relay::kReadTimeout : Relay::kReadError;
    const std::size_t got = kChunk - body.size;
    if (out.size() + got > limit) co_return Relay::kTooLarge;
    out.append(buf, got);
    *counted += static_cast<std::int64_t>(got);
  }
  co_return Relay::kOk;
}

// Writes a request whose (transformed) body is in memory.
template <class Out>
asio::awaitable<Relay> send_buffered(Out& out, bhttp::request<bhttp::buffer_body>& req, const std::string& body,
                                     ms timeout) {
  req.body().data = const_cast<char*>(body.data());
  req.body().size = body.size();
  req.body().more = false;
  bhttp::request_serializer<bhttp::buffer_body> sr{req};
  beast::get_lowest_layer(out).expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(out, sr, kTuple);
  co_return ec ? Relay::kWriteError : Relay::kOk;
}

// Where a message body ends, found as its bytes go by (views of the input, never copies).
class BodyReader {
 public:
  void start(h1::Framing framing, std::uint64_t content_length) noexcept {
    framing_ = framing;
    ended_ = false;
    if (framing == h1::Framing::kContentLength) length_.reset(content_length);
    if (framing == h1::Framing::kChunked) chunked_.reset();
  }
  h1::Framing framing() const noexcept { return framing_; }
  // No body at all, or an empty one: the message ended with its head.
  bool none() const noexcept {
    return framing_ == h1::Framing::kNone ||
           (framing_ == h1::Framing::kContentLength && length_.remaining() == 0 && length_.done());
  }
  std::uint64_t announced() const noexcept { return length_.remaining(); }
  bool done() const noexcept {
    switch (framing_) {
      case h1::Framing::kNone: return true;
      case h1::Framing::kContentLength: return length_.done();
      case h1::Framing::kChunked: return chunked_.done();
      case h1::Framing::kUntilClose: return ended_;
    }
    return false;
  }
  h1::BodyStep next(std::string_view in) noexcept {
    switch (framing_) {
      case h1::Framing::kContentLength: return length_.next(in);
      case h1::Framing::kChunked: return chunked_.next(in);
      case h1::Framing::kUntilClose:
        if (ended_) return {h1::BodyStatus::kDone};
        if (in.empty()) return {};
        return {h1::BodyStatus::kData, in.size(), in};
      case h1::Framing::kNone: break;
    }
    return {h1::BodyStatus::kDone};
  }
  // The peer closed its side: the end of an until-close body; false for a body framed otherwise.
  bool end_of_stream() noexcept {
    if (framing_ != h1::Framing::kUntilClose) return false;
    ended_ = true;
    return true;
  }

 private:
  h1::Framing framing_ = h1::Framing::kNone;
  bool ended_ = false;
  h1::LengthBody length_;
  h1::ChunkedDecoder chunked_;
};

struct HeadRead {
  h1::ParseResult parsed;          // kDone, or kError for a malformed head
  boost::system::error_code ec;    // set: the stream failed (timeout, closed) before a whole head came
};

// Reads from `s` into `buf` until `parse` (over the buffered bytes) finds a whole head or an error;
// the buffer grows up to `max_capacity` for a large head.
template <class Stream, class Parse>
asio::awaitable<HeadRead> read_head(Stream& s, ReadBuffer& buf, std::size_t max_capacity, ms timeout, Parse parse) {
  HeadRead r;
  for (;;) {
    if (!buf.empty()) {
      r.parsed = parse(buf.data());
      if (r.parsed.status != h1::ParseStatus::kNeedMore) co_return r;
    }
    const asio::mutable_buffer space = buf.prepare(std::min(max_capacity, buf.capacity() * 2));
    if (space.size() == 0) {
      r.parsed = {h1::ParseStatus::kError, 0, h1::ParseError::kHeadTooLarge};
      co_return r;
    }
    beast::get_lowest_layer(s).expires_after(timeout);
    auto [ec, n] = co_await s.async_read_some(space, kTuple);
    if (ec) {
      r.ec = ec;
      co_return r;
    }
    buf.commit(n);
  }
}

// Writes `head` and then the body `body` finds in `in` (its first bytes already in `buf`) to `out`:
// the head goes with the body bytes read with it in one gathered write, then each read's bytes as
// they come. `rechunk`: the body goes out in the chunked coding, a chunk per piece decoded (the
// backend's chunk extensions and trailers are not forwarded); else as bare bytes.
template <class In, class Out>
asio::awaitable<Relay> relay_body(In& in, ReadBuffer& buf, BodyReader& body, Out& out, std::string_view head,
                                  bool rechunk, ms read_timeout, ms write_timeout, std::int64_t* counted) {
  constexpr std::size_t kPieces = 8;
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  std::array<asio::const_buffer, 2 + 3 * kPieces> out_bufs;
  std::array<std::array<char, 20>, kPieces> size_lines;
  bool done = body.done();
  for (;;) {
    std::size_t n = 0;
    std::size_t used = 0;
    if (!head.empty()) out_bufs[n++] = asio::buffer(head);
    head = {};
    for (std::size_t piece = 0; !done && piece < kPieces;) {
      const h1::BodyStep step = body.next(buf.data().substr(used));
      used += step.consumed;
      if (step.status == h1::BodyStatus::kError) co_return Relay::kReadError;
      if (step.status == h1::BodyStatus::kDone) done = true;
      if (step.status != h1::BodyStatus::kData) break;
      if (step.data.empty()) continue;
      *counted += static_cast<std::int64_t>(step.data.size());
      if (rechunk) {
        char* line = size_lines[piece].data();
        const auto r = std::to_chars(line, line + 16, step.data.size(), 16);
        std::memcpy(r.ptr, "\r\n", 2);
        out_bufs[n++] = asio::buffer(line, static_cast<std::size_t>(r.ptr + 2 - line));
        out_bufs[n++] = asio::buffer(step.data);
        out_bufs[n++] = asio::buffer(kCrlf);
      } else {
        out_bufs[n++] = asio::buffer(step.data);
      }
      ++piece;
    }
    if (done && rechunk) out_bufs[n++] = asio::buffer(kLastChunk);
    if (n > 0) {
      beast::get_lowest_layer(out).expires_after(write_timeout);
      auto [wec, wn] = co_await asio::async_write(out, std::span<const asio::const_buffer>(out_bufs.data(), n), kTuple);
      if (wec) co_return Relay::kWriteError;
    }
    buf.consume(used);
    if (done) co_return Relay::kOk;
    if (used > 0) continue;  // more pieces may wait in the buffer
    beast::get_lowest_layer(in).expires_after(read_timeout);
    auto [ec, got] = co_await in.async_read_some(buf.prepare(), kTuple);
    if (ec) {
      if (ec == asio::error::eof && body.end_of_stream()) {
        done = true;
        continue;
      }
      co_return ec == beast::error::timeout ? Relay::kReadTimeout : Relay::kReadError;
    }
    buf.commit(got);
  }
}

// Reads the rest of the body `body` finds in `in` (its first bytes already in `buf`) into `out`, at
// most `limit` bytes: for the filters that read it whole.
template <class In>
asio::awaitable<Relay> read_body(In& in, ReadBuffer& buf, BodyReader& body, std::size_t limit, ms timeout,
                                 std::string& out, std::int64_t* counted) {
  if (body.framing() == h1::Framing::kContentLength && body.announced() > limit) co_return Relay::kTooLarge;
  while (!body.done()) {
    std::size_t used = 0;
    h1::BodyStep step;
    do {
      step = body.next(buf.data().substr(used));
      used += step.consumed;
      if (step.status == h1::BodyStatus::kError) co_return Relay::kReadError;
      if (step.status == h1::BodyStatus::kData) {
        if (out.size() + step.data.size() > limit) co_return Relay::kTooLarge;
        out.append(step.data);
        *counted += static_cast<std::int64_t>(step.data.size());
      }
    } while (step.status == h1::BodyStatus::kData);
    buf.consume(used);
    if (step.status == h1::BodyStatus::kDone) break;
    beast::get_lowest_layer(in).expires_after(timeout);
    auto [ec, got] = co_await in.async_read_some(buf.prepare(), kTuple);
    if (ec) {
      if (ec == asio::error::eof && body.end_of_stream()) break;
      co_return ec == beast::error::timeout ? Relay::kReadTimeout : Relay::kReadError;
    }
    buf.commit(got);
  }
  co_return Relay::kOk;
}

// Removes the hop-by-hop fields (RFC 9110 section 7.6.1), those Connection names included, and the
// proxy's own credentials fields.
inline void strip_hop_by_hop(h1::Fields& f) {
  f.erase_hop_by_hop();
  f.erase(h1::FieldId::kProxyAuthorization);
  f.erase(h1::FieldId::kProxyAuthenticate);
}

// Connection for the client's version: "close" when an HTTP/1.1 connection ends after this message,
// "keep-alive" when an HTTP/1.0 one does not.
inline void set_keep_alive(h1::Fields& f, int version, bool keep) {
  if (version >= 11 && !keep) f.set(h1::FieldId::kConnection, "close");
  else if (version < 11 && keep) f.set(h1::FieldId::kConnection, "keep-alive");
}

}  // namespace archway::gateway::internal::io
