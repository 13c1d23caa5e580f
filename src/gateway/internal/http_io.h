#pragma once
// The session's reads and writes on client and backend streams (plain or TLS; templates over the
// stream type): answers the gateway makes itself, bodies streamed through a fixed buffer or read
// whole (bounded), hop-by-hop fields removed. Nothing here throws on the data path.
#include <boost/asio.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <span>
#include <chrono>
#include <string>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "common/problem.h"
#include "gateway/mediation.h"
#include "gateway/payload.h"
#include "gateway/internal/frame_pool.h"
#include "gateway/internal/socket_io.h"
#include "gateway/read_buffer.h"
#include "gateway/response_cache.h"
#include "gateway/runtime_snapshot.h"
#include "gateway/timed_socket.h"
#include "http/h1/body.h"
#include "http/h1/fields.h"
#include "http/h1/parser.h"
#include "http/h1/writer.h"
#include "traffic/throttler.h"

namespace archway::gateway::internal::io {

namespace asio = boost::asio;
namespace h1 = archway::http::h1;
using common::Problem;
using ms = std::chrono::milliseconds;

inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
inline constexpr std::size_t kChunk = 16 * 1024;

// The first read of a message that follows a write on the same stream (an answer to the request
// just written, the client's next request after a response): a draining read (socket_io.h) under
// the `timeout` deadline, as the operation itself, not a coroutine of its own, so the hot path pays
// for one frame, not two. It arms the deadline; the caller settles it when the read completes.
template <class Stream>
asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> read_after_write(Stream& s,
                                                                                     asio::mutable_buffer space,
                                                                                     ms timeout) {
  timed(s).arm(timeout);
  if constexpr (std::is_same_v<Stream, TimedSocket>)
    return s.async_read_some(DrainingBuffer(space), kTuple);
  else
    return s.async_read_some(space, kTuple);
}

// Reads into `space` from `s` under the `timeout` deadline, starting as `start` says (socket_io.h).
template <class Stream>
asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> read_some(Stream& s, asio::mutable_buffer space,
                                                                              ReadStart start, ms timeout) {
  if constexpr (std::is_same_v<Stream, TimedSocket>) {
    if (start == ReadStart::kInPlace) {
      boost::system::error_code ec;
      if (const std::size_t n = read_now(s, space, ec); n > 0 || ec) co_return std::tuple{ec, n};
      timed(s).arm(timeout);
      auto [rec, n] = co_await s.async_read_some(DrainingBuffer(space), kTuple);
      timed(s).settle(rec);
      co_return std::tuple{rec, n};
    }
  }
  timed(s).arm(timeout);
  auto [ec, n] = co_await s.async_read_some(space, kTuple);
  timed(s).settle(ec);
  co_return std::tuple{ec, n};
}

// The rest of a write the socket did not take at once (write_now), under the `timeout` deadline.
template <class Stream>
asio::awaitable<boost::system::error_code> write_rest(Stream& s, std::span<asio::const_buffer> rest, ms timeout) {
  timed(s).arm(timeout);
  auto [ec, n] = co_await asio::async_write(s, rest, kTuple);
  timed(s).settle(ec);
  co_return ec;
}

// Removes the hop-by-hop fields (RFC 9110 section 7.6.1), those Connection names included, and the
// proxy's own credentials fields; `also` names more fields to drop in the same pass.
inline void strip_hop_by_hop(h1::Fields& f, h1::FieldId also = h1::FieldId::kOther) {
  f.erase_hop_by_hop({h1::FieldId::kProxyAuthorization, h1::FieldId::kProxyAuthenticate, also});
}

// Connection for the client's version: "close" when an HTTP/1.1 connection ends after this message,
// "keep-alive" when an HTTP/1.0 one does not.
inline void set_keep_alive(h1::Fields& f, int version, bool keep) {
  if (version >= 11 && !keep) f.set(h1::FieldId::kConnection, "close");
  else if (version < 11 && keep) f.set(h1::FieldId::kConnection, "keep-alive");
}

inline void set_content_length(h1::Fields& f, std::uint64_t n) {
  std::array<char, 24> text;
  const auto end = std::to_chars(text.data(), text.data() + text.size(), n).ptr;
  f.set(h1::FieldId::kContentLength, std::string_view(text.data(), static_cast<std::size_t>(end - text.data())));
}

// Writes an answer the gateway makes itself, head and body in one write: `fields`, then Connection
// as `keep_alive` asks and Content-Length (`length`, else the body's; none for 1xx, 204 and 304).
// A response to HEAD carries no body.
template <class Stream>
asio::awaitable<bool> write_response(Stream& s, unsigned version, int status, h1::Fields& fields,
                                     std::string_view body, bool keep_alive, bool head = false,
                                     std::optional<std::uint64_t> length = std::nullopt) {
  set_keep_alive(fields, static_cast<int>(version), keep_alive);
  const bool bodiless = status / 100 == 1 || status == 204 || status == 304;
  if (!bodiless) set_content_length(fields, length.value_or(body.size()));
  if (head || bodiless) body = {};
  timed(s).answered.status = static_cast<unsigned>(status);
  timed(s).answered.body_bytes = body.size();
  std::string out;
  if (!h1::write_response_head(out, static_cast<int>(version), status, {}, fields.view())) co_return false;
  std::array<asio::const_buffer, 2> bufs{asio::buffer(out), asio::buffer(body)};
  boost::system::error_code ec;
  const auto rest = write_now(s, bufs, ec);
  if (!ec && !rest.empty()) ec = co_await write_rest(s, rest, std::chrono::seconds(10));
  co_return !ec;
}

// The CORS fields of an answer the gateway writes itself (no cors filter ran) for `origin`.
inline void add_cors_fields(h1::Fields& f, const CompiledCors& cors, std::string_view origin) {
  if (!cors.enabled) return;
  if (auto allowed = cors.allow_origin(origin)) {
    f.set("Access-Control-Allow-Origin", *allowed);
    if (cors.credentials) f.set("Access-Control-Allow-Credentials", "true");
    if (*allowed != "*") f.set(h1::FieldId::kVary, "Origin");
  }
}

template <class Stream>
asio::awaitable<bool> write_problem(Stream& s, unsigned version, const Problem& p, bool keep_alive,
                                    std::string_view www_authenticate = {},
                                    const traffic::Decision* throttled = nullptr, std::int64_t retry_after_s = 0) {
  timed(s).answered.code = p.code;
  h1::Fields f;
  f.set(h1::FieldId::kContentType, "application/json");
  if (!www_authenticate.empty()) f.set(h1::FieldId::kWwwAuthenticate, www_authenticate);
  if (retry_after_s > 0) f.set(h1::FieldId::kRetryAfter, std::to_string(retry_after_s));
  if (throttled && throttled->kind == traffic::Decision::Kind::kThrottled) {
    const std::string reset = std::to_string(std::max<std::int64_t>(1, (throttled->reset_ms + 999) / 1000));
    f.set(h1::FieldId::kRetryAfter, reset);
    f.set("RateLimit-Limit", std::to_string(throttled->limit));
    f.set("RateLimit-Remaining", "0");
    f.set("RateLimit-Reset", reset);
  }
  if (const CompiledCors* cors = timed(s).cors) add_cors_fields(f, *cors, timed(s).origin);
  co_return co_await write_response(s, version, p.status, f, p.to_json(), keep_alive);
}

// An error the gateway answers itself once it deals with the payload or the backend (payload
// refusals, 502/503/504), through the operation's fault flow when it has one: the problem body
// goes through the flow's payload policies, a mock replaces it, header policies run last.
// `retry_after_s` > 0 adds Retry-After (a suspended endpoint says when it is tried again).
template <class Stream>
asio::awaitable<bool> write_fault(Stream& s, unsigned version, const Problem& p, bool keep_alive,
                                  const CompiledFlow* fault, std::int64_t retry_after_s = 0) {
  if (!fault) co_return co_await write_problem(s, version, p, keep_alive, {}, nullptr, retry_after_s);
  timed(s).answered.code = p.code;
  int status = p.status;
  h1::Fields f;
  if (retry_after_s > 0) f.set(h1::FieldId::kRetryAfter, std::to_string(retry_after_s));
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
    if (fault->mock->status_given) status = fault->mock->status;
    content_type = fault->mock->content_type;
    body = fault->mock->body;
  }
  if (!content_type.empty()) f.set(h1::FieldId::kContentType, content_type);
  if (const CompiledCors* cors = timed(s).cors) add_cors_fields(f, *cors, timed(s).origin);
  apply_header_ops(fault->headers, f);
  co_return co_await write_response(s, version, status, f, body, keep_alive);
}

template <class Stream>
asio::awaitable<bool> write_fixed(Stream& s, unsigned version, std::string_view content_type, std::string_view body,
                                  bool keep_alive, bool head) {
  h1::Fields f;
  f.set(h1::FieldId::kContentType, content_type);
  co_return co_await write_response(s, version, 200, f, body, keep_alive, head);
}

// Answers from a cache entry, with CORS for this request's origin.
template <class Stream>
asio::awaitable<bool> write_cached(Stream& s, unsigned version, const CachedResponse& hit, const CompiledCors& cors,
                                   std::string_view origin, bool keep_alive, bool head) {
  h1::Fields f;
  for (const auto& [k, v] : hit.headers) f.add(k, v);
  f.set("X-Cache", "HIT");
  add_cors_fields(f, cors, origin);
  co_return co_await write_response(s, version, static_cast<int>(hit.status), f, hit.body, keep_alive, head,
                                    hit.content_length);
}

enum class Relay { kOk, kReadError, kWriteError, kReadTimeout, kTooLarge };

inline Relay too_large_or_bad(h1::ParseError e) {
  return e == h1::ParseError::kBodyTooLarge ? Relay::kTooLarge : Relay::kReadError;
}

// Where a message body ends, found as its bytes go by (views of the input, never copies).
class BodyReader {
 public:
  BodyReader() = default;
  explicit BodyReader(const h1::ChunkedLimits& limits) : chunked_(limits) {}
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

// One step of reading a head: `parse` over the bytes `buf` holds. kNeedMore: read into `space`
// (the buffer grown, up to `max_capacity`, when full) and commit, then call again. Not a coroutine:
// the caller's loop awaits the reads, so no frame is allocated per head.
template <class Parse>
h1::ParseResult buffered_head(ReadBuffer& buf, std::size_t max_capacity, asio::mutable_buffer& space, Parse&& parse) {
  if (!buf.empty()) {
    const h1::ParseResult r = parse(buf.data());
    if (r.status != h1::ParseStatus::kNeedMore) return r;
  }
  space = buf.prepare(std::min(max_capacity, buf.capacity() * 2));
  if (space.size() == 0) return {h1::ParseStatus::kError, 0, h1::ParseError::kHeadTooLarge};
  return {};
}

// Writes `head` and then the body `body` finds in `in` (its first bytes already in `buf`) to `out`:
// the head goes with the body bytes read with it in one gathered write, then each read's bytes as
// they come. `rechunk`: the body goes out in the chunked coding, a chunk per piece decoded (the
// backend's chunk extensions and trailers are not forwarded); else as bare bytes.
template <class In, class Out>
asio::awaitable<Relay> relay_body(In& in, ReadStart start, ReadBuffer& buf, BodyReader& body, Out& out,
                                  std::string_view head, bool rechunk, ms read_timeout, ms write_timeout,
                                  std::int64_t* counted) {
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
      if (step.status == h1::BodyStatus::kError) co_return too_large_or_bad(step.error);
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
      boost::system::error_code wec;
      const auto rest = write_now(out, std::span<asio::const_buffer>(out_bufs.data(), n), wec);
      if (!wec && !rest.empty()) wec = co_await write_rest(out, rest, write_timeout);
      if (wec) co_return Relay::kWriteError;
    }
    buf.consume(used);
    if (done) co_return Relay::kOk;
    if (used > 0) continue;  // more pieces may wait in the buffer
    auto [ec, got] = co_await read_some(in, buf.prepare(), start, read_timeout);
    if (ec) {
      if (ec == asio::error::eof && body.end_of_stream()) {
        done = true;
        continue;
      }
      co_return ec == asio::error::timed_out ? Relay::kReadTimeout : Relay::kReadError;
    }
    buf.commit(got);
  }
}

// Reads the rest of the body `body` finds in `in` (its first bytes already in `buf`) into `out`, at
// most `limit` bytes: for the filters that read it whole.
template <class In>
asio::awaitable<Relay> read_body(In& in, ReadStart start, ReadBuffer& buf, BodyReader& body, std::size_t limit,
                                 ms timeout, std::string& out, std::int64_t* counted) {
  if (body.framing() == h1::Framing::kContentLength && body.announced() > limit) co_return Relay::kTooLarge;
  while (!body.done()) {
    std::size_t used = 0;
    h1::BodyStep step;
    do {
      step = body.next(buf.data().substr(used));
      used += step.consumed;
      if (step.status == h1::BodyStatus::kError) co_return too_large_or_bad(step.error);
      if (step.status == h1::BodyStatus::kData) {
        if (out.size() + step.data.size() > limit) co_return Relay::kTooLarge;
        out.append(step.data);
        *counted += static_cast<std::int64_t>(step.data.size());
      }
    } while (step.status == h1::BodyStatus::kData);
    buf.consume(used);
    if (step.status == h1::BodyStatus::kDone) break;
    auto [ec, got] = co_await read_some(in, buf.prepare(), start, timeout);
    if (ec) {
      if (ec == asio::error::eof && body.end_of_stream()) break;
      co_return ec == asio::error::timed_out ? Relay::kReadTimeout : Relay::kReadError;
    }
    buf.commit(got);
  }
  co_return Relay::kOk;
}

}  // namespace archway::gateway::internal::io
