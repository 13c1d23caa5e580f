// Cost of reading and re-writing an HTTP/1.1 head: src/http/h1 against Beast (the gateway's parser
// today), in nanoseconds per message, median of 7 runs. A typical proxied request (10 fields) and a
// response with a 1 KB body; "proxy" rows also edit the fields (Host replaced, X-Forwarded-For
// added, hop-by-hop fields removed) and serialise the head as a proxy forwards it.
// Build: cmake --build --preset release --target archway_h1_parse
// Run:   build/release/bench/archway_h1_parse [iterations per run, default 200000]
#include <algorithm>
#include <array>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "http/h1/body.h"
#include "http/h1/fields.h"
#include "http/h1/parser.h"
#include "http/h1/writer.h"

namespace bhttp = boost::beast::http;
namespace h1 = archway::http::h1;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kRequest =
    "GET /shop/1.0.0/orders/42?expand=items HTTP/1.1\r\nHost: gateway.example.com:8280\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0\r\n"
    "Accept: application/json, text/plain, */*\r\nAccept-Language: en-GB,en;q=0.9\r\n"
    "Accept-Encoding: gzip, deflate, br\r\nAuthorization: Bearer "
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln\r\n"
    "Cookie: session=0123456789abcdef; theme=dark\r\nOrigin: https://portal.example.com\r\n"
    "Connection: keep-alive\r\nX-Request-Id: 6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b\r\n\r\n";

std::string response() {
  return "HTTP/1.1 200 OK\r\nDate: Sun, 06 Dec 2026 10:00:00 GMT\r\nServer: nginx/1.22.1\r\n"
         "Content-Type: application/json\r\nContent-Length: 1024\r\nConnection: keep-alive\r\n"
         "ETag: \"65f1-400\"\r\nAccept-Ranges: bytes\r\n\r\n" +
         std::string(1024, 'x');
}

volatile std::size_t sink;

template <class F>
double ns_per_op(int iterations, F&& f) {
  std::vector<double> runs;
  for (int r = 0; r < 7; ++r) {
    const auto start = Clock::now();
    for (int i = 0; i < iterations; ++i) f();
    runs.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
                   iterations);
  }
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

void fail(const char* what) {
  std::fprintf(stderr, "%s\n", what);
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 200000;
  const std::string resp = response();

  h1::Head head;
  h1::Fields fields;
  std::string out;
  const double ours_req = ns_per_op(n, [&] {
    if (!h1::parse_request(kRequest, head).done()) fail("ours: request");
    sink = head.field_count;
  });
  const double ours_req_proxy = ns_per_op(n, [&] {
    if (!h1::parse_request(kRequest, head).done()) fail("ours: request");
    fields.assign(head.fields());
    fields.erase_hop_by_hop();
    fields.set(h1::FieldId::kHost, "backend.internal:9000");
    fields.add(h1::FieldId::kXForwardedFor, "198.51.100.7");
    if (!h1::write_request_head(out, head.method_text, head.target, 11, fields.view()))
      fail("ours: write");
    sink = out.size();
  });
  const double ours_resp = ns_per_op(n, [&] {
    const h1::ParseResult r = h1::parse_response(resp, head, false);
    if (!r.done()) fail("ours: response");
    h1::LengthBody body(head.content_length);
    const h1::BodyStep s = body.next(std::string_view(resp).substr(r.consumed));
    sink = s.data.size();
  });
  const double ours_resp_proxy = ns_per_op(n, [&] {
    const h1::ParseResult r = h1::parse_response(resp, head, false);
    if (!r.done()) fail("ours: response");
    h1::LengthBody body(head.content_length);
    const h1::BodyStep s = body.next(std::string_view(resp).substr(r.consumed));
    fields.assign(head.fields());
    fields.erase_hop_by_hop();
    fields.add(h1::FieldId::kVia, "1.1 archway");
    if (!h1::write_response_head(out, 11, head.status, head.reason, fields.view()))
      fail("ours: write");
    sink = out.size() + s.data.size();
  });

  const double beast_req = ns_per_op(n, [&] {
    bhttp::request_parser<bhttp::empty_body> p;
    boost::beast::error_code ec;
    p.put(boost::asio::buffer(kRequest), ec);
    if (ec || !p.is_done()) fail("beast: request");
    sink = p.get().target().size();
  });
  const double beast_req_proxy = ns_per_op(n, [&] {
    bhttp::request_parser<bhttp::empty_body> p;
    boost::beast::error_code ec;
    p.put(boost::asio::buffer(kRequest), ec);
    if (ec || !p.is_done()) fail("beast: request");
    auto& req = p.get();
    req.erase(bhttp::field::connection);
    req.set(bhttp::field::host, "backend.internal:9000");
    req.insert("X-Forwarded-For", "198.51.100.7");
    const bhttp::fields::writer w(req, req.version(), req.method());
    out.resize(boost::beast::buffer_bytes(w.get()));
    boost::asio::buffer_copy(boost::asio::buffer(out), w.get());
    sink = out.size();
  });
  std::array<char, 2048> body_buf;
  const double beast_resp = ns_per_op(n, [&] {
    bhttp::response_parser<bhttp::buffer_body> p;
    p.get().body().data = body_buf.data();
    p.get().body().size = body_buf.size();
    boost::beast::error_code ec;
    p.put(boost::asio::buffer(resp), ec);                                               // the head
    if (!ec) p.put(boost::asio::buffer(resp.data() + (resp.size() - 1024), 1024), ec);  // the body
    if ((ec && ec != bhttp::error::need_buffer) || !p.is_done()) fail("beast: response");
    sink = p.get().result_int();
  });
  const double beast_resp_proxy = ns_per_op(n, [&] {
    bhttp::response_parser<bhttp::buffer_body> p;
    p.get().body().data = body_buf.data();
    p.get().body().size = body_buf.size();
    boost::beast::error_code ec;
    p.put(boost::asio::buffer(resp), ec);
    if (!ec) p.put(boost::asio::buffer(resp.data() + (resp.size() - 1024), 1024), ec);
    if ((ec && ec != bhttp::error::need_buffer) || !p.is_done()) fail("beast: response");
    auto& res = p.get();
    res.erase(bhttp::field::connection);
    res.insert(bhttp::field::via, "1.1 archway");
    const bhttp::fields::writer w(res, res.version(), res.result_int());
    out.resize(boost::beast::buffer_bytes(w.get()));
    boost::asio::buffer_copy(boost::asio::buffer(out), w.get());
    sink = out.size();
  });

  std::printf("%-44s %10s %10s %7s\n", "ns per message (median of 7 runs)", "h1", "Beast", "ratio");
  const auto row = [](const char* what, double ours, double beast) {
    std::printf("%-44s %10.0f %10.0f %7.2f\n", what, ours, beast, beast / ours);
  };
  row("request head, 10 fields: parse", ours_req, beast_req);
  row("request head: parse + edit + serialise", ours_req_proxy, beast_req_proxy);
  row("response, 1 KB body: parse + body", ours_resp, beast_resp);
  row("response: parse + body + edit + serialise", ours_resp_proxy, beast_resp_proxy);
  return 0;
}
