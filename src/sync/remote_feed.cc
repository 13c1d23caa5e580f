#include "sync/remote_feed.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sync/feed_codec.h"

namespace archway::sync {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr const char* kSnapshotFile = "gateway-snapshot.jsonl";

struct Url {
  std::string text;
  bool secure = false;
  std::string host;
  std::string port;
  std::string base_path;  // without a trailing slash
};

Url parse_url(const std::string& text) {
  auto u = boost::urls::parse_absolute_uri(text);
  if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->encoded_host().empty())
    throw std::invalid_argument("not an http(s) URL: '" + text + "'");
  Url out;
  out.text = text;
  out.secure = u->scheme() == "https";
  out.host = std::string(u->host_address());
  out.port = u->has_port() ? std::string(u->port()) : (out.secure ? "443" : "80");
  out.base_path = std::string(u->encoded_path());
  while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  return out;
}

// Whole lines of `pending` (each up to '\n'), removed from it.
template <class F>
void take_lines(std::string& pending, F&& each) {
  std::size_t start = 0;
  for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
    if (nl > start) each(std::string_view(pending).substr(start, nl - start + 1));
  pending.erase(0, start);
}

// Decodes a chunked body (RFC 9112 §7.1) fed in pieces; chunk extensions and trailers are skipped.
class ChunkedDecoder {
 public:
  // Appends the data of `in` to `out`; false on malformed coding.
  bool feed(std::string_view in, std::string& out) {
    held_.append(in);
    std::size_t pos = 0;
    while (!done_) {
      if (left_ > 0) {
        const std::size_t take = std::min(left_, held_.size() - pos);
        if (take == 0) break;
        out.append(held_, pos, take);
        pos += take;
        left_ -= take;
        if (left_ == 0) crlf_ = true;
        continue;
      }
      const std::size_t eol = held_.find("\r\n", pos);
      if (eol == std::string::npos) {
        if (held_.size() - pos > 4096) return false;  // no line is that long
        break;
      }
      if (crlf_) {  // the CRLF that ends a chunk's data
        if (eol != pos) return false;
        crlf_ = false;
        pos = eol + 2;
        continue;
      }
      if (last_) {  // trailer fields, then an empty line
        if (eol == pos) done_ = true;
        pos = eol + 2;
        continue;
      }
      std::size_t size = 0;
      std::size_t i = pos;
      for (; i < eol && std::isxdigit(static_cast<unsigned char>(held_[i])); ++i) {
        if (size > (std::size_t(1) << 40)) return false;
        size = size * 16 + static_cast<std::size_t>(std::isdigit(static_cast<unsigned char>(held_[i]))
                                                         ? held_[i] - '0'
                                                         : std::tolower(static_cast<unsigned char>(held_[i])) - 'a' + 10);
      }
      if (i == pos) return false;
      pos = eol + 2;
      if (size == 0) last_ = true;
      else left_ = size;
    }
    held_.erase(0, pos);
    return true;
  }
  bool done() const { return done_; }

 private:
  std::string held_;
  std::size_t left_ = 0;
  bool crlf_ = false;
  bool last_ = false;
  bool done_ = false;
};

class FeedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

struct RemoteFeed::Impl {
  Options opts;
  DeploymentFeed::Subscriber sub;
  std::vector<Url> urls;
  asio::io_context io{1};
  std::thread thread;

  mutable std::mutex mu;  // guards `st` (read by /ready on other threads)
  Status st;

  // On the feed's thread only:
  std::int64_t applied = 0;
  bool need_snapshot = true;
  std::string snapshot_text;  // the last snapshot's lines
  std::string journal;        // the batches applied since, as received
  std::size_t journal_batches = 0;
  bool dirty = false;
  std::chrono::steady_clock::time_point persisted_at{};

  template <class F>
  void update(F&& f) {
    std::lock_guard lock(mu);
    f(st);
  }

  // Loads a snapshot document (and, from the disk, the batches persisted after it). Checks the
  // whole document before the subscriber sees any of it.
  void load_document(const std::string& text, bool from_disk) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
      if (nl > start) lines.push_back(std::string_view(text).substr(start, nl - start));
    if (lines.empty()) throw FeedError("the snapshot is empty");
    SnapshotLine head = decode_snapshot_line(lines[0]);
    if (head.kind != SnapshotLine::Kind::kHead) throw FeedError("the snapshot does not start with its head");
    if (head.head.environment != opts.environment)
      throw FeedError("the snapshot is of environment '" + head.head.environment + "', not '" + opts.environment + "'");
    std::vector<std::vector<domain::Subscription>> chunks;
    std::size_t i = 1;
    std::uint64_t count = 0;
    bool ended = false;
    for (; i < lines.size() && !ended; ++i) {
      SnapshotLine l = decode_snapshot_line(lines[i]);
      if (l.kind == SnapshotLine::Kind::kSubscriptions) {
        count += l.subscriptions.size();
        chunks.push_back(std::move(l.subscriptions));
      } else if (l.kind == SnapshotLine::Kind::kEnd) {
        if (l.count != count) throw FeedError("the snapshot's subscriptions are incomplete");
        ended = true;
      } else {
        throw FeedError("the snapshot has a second head");
      }
    }
    if (!ended) throw FeedError("the snapshot is truncated (no end line)");
    const std::string_view end_line = lines[i - 1];
    std::vector<FeedMessage> batches;
    std::vector<std::string_view> batch_lines;
    if (from_disk) {
      for (; i < lines.size(); ++i) {
        batches.push_back(decode_message(lines[i]));
        batch_lines.push_back(lines[i]);
      }
    }
    std::size_t next = 0;
    sub.load(head.head.apis, head.head.security,
             [&](std::vector<domain::Subscription>& chunk) {
               if (next == chunks.size()) return false;
               chunk = std::move(chunks[next++]);
               return true;
             },
             head.head.revision);
    applied = head.head.revision;
    snapshot_text.assign(text, 0, static_cast<std::size_t>(end_line.data() + end_line.size() - text.data()) + 1);
    journal.clear();
    journal_batches = 0;
    update([&](Status& s) {
      s.loaded = true;
      s.from_disk = from_disk;
      s.revision = applied;
      s.snapshot_revision = applied;
      s.revisions_applied = 0;
      ++s.snapshots_loaded;
    });
    need_snapshot = false;
    for (std::size_t b = 0; b < batches.size(); ++b)
      if (!apply(batches[b], batch_lines[b])) {
        need_snapshot = true;
        break;
      }
    if (!from_disk) persist();
  }

  // Applies one batch in order; false when a new snapshot is needed (gap, or the subscriber
  // cannot take it alone).
  bool apply(const FeedMessage& m, std::string_view line) {
    if (m.revision <= applied) {
      update([](Status& s) { ++s.duplicates_skipped; });
      return true;
    }
    if (m.from != applied) {
      spdlog::warn("gateway feed: batch after revision {} does not follow revision {}; taking a new snapshot", m.from,
                   applied);
      return false;
    }
    bool ok = false;
    try {
      ok = sub.apply(m.changes, m.revision);
    } catch (const std::exception& e) {
      spdlog::error("gateway feed: applying revisions up to {} failed ({}); taking a new snapshot", m.revision,
                    e.what());
    }
    if (!ok) return false;
    applied = m.revision;
    journal.append(line);
    if (journal.empty() || journal.back() != '\n') journal.push_back('\n');
    ++journal_batches;
    dirty = true;
    update([&](Status& s) {
      s.revision = m.revision;
      s.revisions_applied += m.revision - m.from;
      ++s.batches_applied;
    });
    return true;
  }

  // Writes snapshot + journal atomically (temporary file, fsync, rename).
  void persist() {
    if (opts.state_dir.empty() || snapshot_text.empty()) return;
    const fs::path target = fs::path(opts.state_dir) / kSnapshotFile;
    const std::string tmp = target.string() + ".tmp";
    try {
      const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0) throw std::runtime_error("cannot open " + tmp);
      bool ok = true;
      for (const std::string* part : {&snapshot_text, &journal}) {
        std::size_t done = 0;
        while (ok && done < part->size()) {
          const ssize_t n = ::write(fd, part->data() + done, part->size() - done);
          if (n <= 0) ok = false;
          else done += static_cast<std::size_t>(n);
        }
      }
      ok = ok && ::fsync(fd) == 0;
      ::close(fd);
      if (!ok) throw std::runtime_error("cannot write " + tmp);
      fs::rename(tmp, target);
      dirty = false;
      persisted_at = std::chrono::steady_clock::now();
    } catch (const std::exception& e) {
      spdlog::warn("gateway feed: could not persist the snapshot: {}", e.what());
    }
  }

  void persist_if_due(bool force = false) {
    if (!dirty) return;
    if (force || std::chrono::steady_clock::now() - persisted_at >= opts.persist_interval) persist();
  }

  void load_from_disk() {
    if (opts.state_dir.empty()) return;
    const fs::path file = fs::path(opts.state_dir) / kSnapshotFile;
    std::error_code ec;
    if (!fs::exists(file, ec)) return;
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      load_document(ss.str(), true);
      spdlog::info("gateway feed: serving the persisted snapshot at revision {} ({}) until a control plane answers",
                   applied, file.string());
    } catch (const std::exception& e) {
      spdlog::warn("gateway feed: the persisted snapshot {} cannot be used ({}); waiting for a control plane",
                   file.string(), e.what());
      need_snapshot = true;
    }
  }

  template <class Stream>
  asio::awaitable<void> send(Stream& s, beast::tcp_stream& tcp, const Url& u, bhttp::verb verb,
                             const std::string& target, std::string body = {}) {
    bhttp::request<bhttp::string_body> req{verb, u.base_path + target, 11};
    req.set(bhttp::field::host, u.host + ":" + u.port);
    req.set(bhttp::field::user_agent, "archway-gateway");
    // Without a token the gateway's credential is its client certificate (opts.tls).
    if (!opts.token.empty()) req.set(bhttp::field::authorization, "Bearer " + opts.token);
    if (verb == bhttp::verb::post) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = std::move(body);
    }
    req.prepare_payload();
    tcp.expires_after(std::chrono::seconds(10));
    auto [ec, n] = co_await bhttp::async_write(s, req, kTuple);
    if (ec) throw FeedError("cannot send to " + u.text + ": " + ec.message());
  }

  static std::string refusal(const Url& u, int status, const std::string& body) {
    std::string why = body.substr(0, 300);
    if (status == 401) {
      // The problem's message says which credential was refused and why (token, or certificate).
      boost::system::error_code ec;
      const auto v = boost::json::parse(body, ec);
      const auto* d = !ec && v.is_object() ? v.as_object().if_contains("description") : nullptr;
      why = fmt::format("the gateway credential (cluster.gateway_token or cluster.gateway_cert) was refused{}",
                        d && d->is_string() ? ": " + std::string(d->get_string()) : std::string());
    }
    return fmt::format("{} answered {}{}", u.text, status, why.empty() ? "" : ": " + why);
  }

  // GET snapshot: the whole document, then loaded.
  template <class Stream>
  asio::awaitable<void> take_snapshot(Stream& s, beast::tcp_stream& tcp, const Url& u) {
    co_await send(s, tcp, u, bhttp::verb::get, "/internal/gateway/v1/snapshot?environment=" + opts.environment);
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(std::uint64_t(4) << 30);
    tcp.expires_after(std::chrono::seconds(120));
    auto [ec, n] = co_await bhttp::async_read(s, buf, p, kTuple);
    if (ec) throw FeedError("reading the snapshot from " + u.text + " failed: " + ec.message());
    if (p.get().result_int() != 200) throw FeedError(refusal(u, p.get().result_int(), p.get().body()));
    load_document(p.get().body(), false);
    spdlog::info("gateway feed: loaded the snapshot of revision {} from {}", applied, u.text);
  }

  // GET events after the applied revision; returns when a new snapshot is needed or the stream ended.
  template <class Stream>
  asio::awaitable<void> follow(Stream& s, beast::tcp_stream& tcp, const Url& u) {
    co_await send(s, tcp, u, bhttp::verb::get,
                  fmt::format("/internal/gateway/v1/events?environment={}&after={}&heartbeatMs={}", opts.environment,
                              applied, opts.heartbeat.count()));
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::buffer_body> p;
    p.body_limit(boost::none);
    tcp.expires_after(std::chrono::seconds(10));
    auto [hec, hn] = co_await bhttp::async_read_header(s, buf, p, kTuple);
    if (hec) throw FeedError("reading the event stream of " + u.text + " failed: " + hec.message());
    if (p.get().result_int() != 200) {
      std::string body(64 * 1024, '\0');
      p.get().body().data = body.data();
      p.get().body().size = body.size();
      co_await bhttp::async_read(s, buf, p, kTuple);
      body.resize(body.size() - p.get().body().size);
      throw FeedError(refusal(u, p.get().result_int(), body));
    }
    update([&](Status& st2) {
      st2.connected = true;
      st2.from_disk = false;  // following a control plane from here on, whatever it started from
      st2.control_plane = u.text;
    });
    if (!p.chunked()) throw FeedError(u.text + " did not stream its events (no chunked body)");
    // The body is decoded here, chunk by chunk as bytes arrive, so each line is handled at once.
    ChunkedDecoder decoder;
    std::string pending;
    std::string raw(static_cast<const char*>(buf.data().data()), buf.size());
    std::vector<char> block(64 * 1024);
    for (;;) {
      if (!decoder.feed(raw, pending)) throw FeedError("the event stream of " + u.text + " is not valid chunked coding");
      raw.clear();
      bool resnapshot = false;
      take_lines(pending, [&](std::string_view line) {
        if (resnapshot) return;
        FeedMessage m = decode_message(line);
        if (m.kind == FeedMessage::Kind::kResnapshot) {
          spdlog::info("gateway feed: {} asks for a new snapshot at revision {} ({})", u.text, m.revision, m.reason);
          resnapshot = true;
        } else if (m.kind == FeedMessage::Kind::kBatch) {
          if (!apply(m, line)) resnapshot = true;
        }
      });
      persist_if_due();
      if (journal_batches > 4096) resnapshot = true;  // the persisted journal stays short
      if (resnapshot) {
        need_snapshot = true;
        co_return;
      }
      if (decoder.done()) co_return;
      // Three heartbeats without a byte: the control plane (or the path to it) is gone.
      tcp.expires_after(3 * opts.heartbeat);
      auto [ec, n] = co_await s.async_read_some(asio::buffer(block), kTuple);
      if (ec) throw FeedError("the event stream of " + u.text + " broke: " + ec.message());
      raw.assign(block.data(), n);
    }
  }

  enum class Step { kSnapshot, kFollow, kHeartbeat };

  asio::awaitable<void> exchange(const Url& u, Step step) {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    beast::tcp_stream tcp_stream(ex);
    tcp_stream.expires_after(std::chrono::seconds(5));
    auto [rec, found] = co_await resolver.async_resolve(u.host, u.port, kTuple);
    if (rec) throw FeedError("cannot resolve " + u.text + ": " + rec.message());
    auto [cec, ep] = co_await tcp_stream.async_connect(found, kTuple);
    if (cec) throw FeedError("cannot connect to " + u.text + ": " + cec.message());
    tcp_stream.socket().set_option(tcp::no_delay(true));
    auto run = [&](auto& s) -> asio::awaitable<void> {
      switch (step) {
        case Step::kSnapshot: co_await take_snapshot(s, tcp_stream, u); break;
        case Step::kFollow: co_await follow(s, tcp_stream, u); break;
        case Step::kHeartbeat: {
          co_await send(s, tcp_stream, u, bhttp::verb::post, "/internal/gateway/v1/heartbeat",
                        fmt::format(R"({{"gatewayId":"{}","environment":"{}"}})", opts.gateway_id, opts.environment));
          beast::flat_buffer buf;
          bhttp::response<bhttp::string_body> res;
          auto [ec, n] = co_await bhttp::async_read(s, buf, res, kTuple);
          if (ec || res.result_int() >= 300)
            throw FeedError(ec ? ec.message() : refusal(u, res.result_int(), res.body()));
          break;
        }
      }
    };
    if (!u.secure) {
      co_await run(tcp_stream);
    } else {
      if (!opts.tls) throw FeedError("no TLS context for " + u.text);
      beast::ssl_stream<beast::tcp_stream&> ssl(tcp_stream, *opts.tls);
      SSL_set_tlsext_host_name(ssl.native_handle(), u.host.c_str());
      ssl.set_verify_callback(asio::ssl::host_name_verification(u.host));
      tcp_stream.expires_after(std::chrono::seconds(10));
      auto [hec] = co_await ssl.async_handshake(asio::ssl::stream_base::client, kTuple);
      if (hec) throw FeedError("TLS with " + u.text + " failed: " + hec.message());
      co_await run(ssl);
    }
  }

  asio::awaitable<void> run() {
    asio::steady_timer wait(co_await asio::this_coro::executor);
    std::size_t index = 0;
    auto backoff = std::chrono::milliseconds(100);
    std::size_t failures = 0;
    for (;;) {
      const Url& u = urls[index];
      try {
        if (need_snapshot) co_await exchange(u, Step::kSnapshot);
        co_await exchange(u, Step::kFollow);
        backoff = std::chrono::milliseconds(100);  // it answered: the next attempt goes at once
        failures = 0;
        continue;
      } catch (const std::exception& e) {
        persist_if_due(true);
        update([](Status& s) { s.connected = false; });
        // Say it once per round of every URL, not on every retry.
        if (failures++ % urls.size() == 0) spdlog::warn("gateway feed: {}", e.what());
        else spdlog::debug("gateway feed: {}", e.what());
      }
      index = (index + 1) % urls.size();
      // A full round of failures backs off (doubling up to reconnect_max); the next URL in a round goes at once.
      if (index == 0 || urls.size() == 1) {
        wait.expires_after(backoff);
        co_await wait.async_wait(kTuple);
        backoff = std::min(backoff * 2, opts.reconnect_max);
      }
    }
  }

  // Records this gateway on a control plane once a minute (Admin /environments/{id}/gateways).
  asio::awaitable<void> heartbeats() {
    asio::steady_timer wait(co_await asio::this_coro::executor);
    for (;;) {
      std::string current;
      {
        std::lock_guard lock(mu);
        current = st.control_plane;
      }
      for (const auto& u : urls) {
        if (!current.empty() && u.text != current) continue;
        try {
          co_await exchange(u, Step::kHeartbeat);
          break;
        } catch (const std::exception& e) {
          spdlog::debug("gateway feed: heartbeat to {} failed: {}", u.text, e.what());
        }
      }
      wait.expires_after(std::chrono::minutes(1));
      co_await wait.async_wait(kTuple);
    }
  }

  // Once a minute, what time changes (expired revocations), as the in-process feed does.
  asio::awaitable<void> ticks() {
    asio::steady_timer wait(co_await asio::this_coro::executor);
    for (;;) {
      wait.expires_after(std::chrono::minutes(1));
      co_await wait.async_wait(kTuple);
      if (sub.tick && applied > 0) sub.tick(std::chrono::duration_cast<std::chrono::seconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
      persist_if_due(true);
    }
  }
};

RemoteFeed::RemoteFeed(Options options, DeploymentFeed::Subscriber subscriber) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(options);
  impl_->sub = std::move(subscriber);
  if (impl_->opts.control_planes.empty()) throw std::invalid_argument("no control-plane URL given");
  for (const auto& u : impl_->opts.control_planes) impl_->urls.push_back(parse_url(u));
}

RemoteFeed::~RemoteFeed() { stop(); }

void RemoteFeed::start() {
  auto& i = *impl_;
  i.load_from_disk();
  asio::co_spawn(i.io, i.run(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      spdlog::critical("gateway feed stopped: {}", x.what());
    }
  });
  if (!i.opts.gateway_id.empty()) asio::co_spawn(i.io, i.heartbeats(), asio::detached);
  asio::co_spawn(i.io, i.ticks(), asio::detached);
  i.thread = std::thread([&i] { i.io.run(); });
}

void RemoteFeed::stop() {
  auto& i = *impl_;
  if (!i.thread.joinable()) return;
  i.io.stop();
  i.thread.join();
  i.persist_if_due(true);
}

RemoteFeed::Status RemoteFeed::status() const {
  std::lock_guard lock(impl_->mu);
  return impl_->st;
}

std::vector<std::string> RemoteFeed::parse_urls(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string u = list.substr(start, comma - start);
    start = comma + 1;
    u.erase(0, u.find_first_not_of(" \t"));
    u.erase(u.find_last_not_of(" \t") + 1);
    if (u.empty()) continue;
    while (u.ends_with('/')) u.pop_back();
    parse_url(u);  // throws on a bad one
    out.push_back(std::move(u));
  }
  if (out.empty()) throw std::invalid_argument("no control-plane URL given");
  return out;
}

}  // namespace archway::sync
