// Steady state of the HTTP/1.1 path allocates nothing: parse, edit and write a request and a
// response with reused objects, counting operator new. The replacement below counts only on
// this test's thread while `counting` is set; the rest of the binary sees the usual allocator.
#include <gtest/gtest.h>

#include <charconv>
#include <cstdlib>
#include <new>
#include <string>

#include "http/h1/body.h"
#include "http/h1/fields.h"
#include "http/h1/parser.h"
#include "http/h1/writer.h"

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;

void* counted_alloc(std::size_t n) {
  if (counting) ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too (std::stable_sort's buffer, for one), so that every delete above frees what
// this file's new allocated: under AddressSanitizer, its own nothrow new paired with the free above
// was an alloc-dealloc mismatch.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (counting) ++allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace archway::http::h1 {
namespace {

std::string typical_request() {
  std::string r =
      "POST /shop/1.0.0/orders?expand=items HTTP/1.1\r\nHost: gateway.example.com:8280\r\n"
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0 Safari/537.36\r\n"
      "Accept: application/json, text/plain, */*\r\nAccept-Language: en-GB,en;q=0.9\r\n"
      "Accept-Encoding: gzip, deflate, br\r\nContent-Type: application/json\r\n"
      "Authorization: Bearer "
      "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyIiwic2NvcGUiOiJyZWFkIn0.c2ln\r\n"
      "Cookie: session=0123456789abcdef0123456789abcdef; theme=dark; consent=yes\r\n"
      "Origin: https://portal.example.com\r\nConnection: keep-alive\r\nX-Request-Id: "
      "6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  r += "10\r\n{\"sku\":\"A-1\",\"n\"\r\n3;ext=1\r\n:1}\r\n0\r\n\r\n";
  while (r.size() < 1000)
    r.insert(r.find("\r\n\r\n") + 2, "X-Pad: " + std::string(40, 'p') + "\r\n");
  return r;
}

const std::string kResponse =
    "HTTP/1.1 200 OK\r\nDate: Sun, 06 Dec 2026 10:00:00 GMT\r\nServer: "
    "backend/1.0\r\nContent-Type: application/json\r\n"
    "Content-Length: 27\r\nCache-Control: no-store\r\nVary: Accept-Encoding\r\nSet-Cookie: a=1; "
    "Path=/\r\n"
    "Set-Cookie: b=2; Path=/\r\nConnection: keep-alive\r\n\r\n{\"id\":42,\"status\":\"placed\"}";

TEST(H1Allocations, SteadyStateParseEditAndWriteAllocateNothing) {
  const std::string request = typical_request();
  ASSERT_GE(request.size(), 1000u);
  Head head;
  Fields fields;
  ChunkedDecoder chunked;
  std::string out;
  std::string body;
  body.reserve(256);
  bool ok = true;
  std::size_t warm_allocations = 0;

  for (int i = 0; i < 1000; ++i) {
    if (i == 10) {
      warm_allocations = allocations;
      allocations = 0;
    }
    counting = true;
    // The request: parse, decode its body, edit as the gateway does, write the head.
    ParseResult r = parse_request(request, head);
    ok &= r.done() && head.framing == Framing::kChunked;
    chunked.reset();
    body.clear();
    std::string_view in = std::string_view(request).substr(r.consumed);
    for (;;) {
      const BodyStep s = chunked.next(in);
      in.remove_prefix(s.consumed);
      if (s.status != BodyStatus::kData) {
        ok &= s.status == BodyStatus::kDone;
        break;
      }
      body.append(s.data);
    }
    fields.assign(head.fields());
    fields.erase_hop_by_hop();
    ok &= fields.set(FieldId::kHost, "backend.internal:9000");
    char id[] = "seq-0000";  // fixed width, so the written head keeps its size from round to round
    std::to_chars(id + 4 + (i < 10) + (i < 100) + (i < 1000), id + 8, i);
    ok &= fields.add("X-Gateway-Seq", id);
    ok &= fields.add(FieldId::kXForwardedFor, "198.51.100.7");
    ok &= fields.add(FieldId::kContentLength, "19");
    fields.erase(FieldId::kAuthorization);
    ok &= write_request_head(out, head.method_text, "/orders?expand=items", 11, fields.view());
    ok &= body.size() == 19;

    // The response: parse, edit, write.
    r = parse_response(kResponse, head, false);
    ok &= r.done() && head.framing == Framing::kContentLength;
    fields.assign(head.fields());
    fields.erase_hop_by_hop();
    fields.erase(FieldId::kServer);
    ok &= fields.add(FieldId::kVia, "1.1 archway");
    ok &= fields.set("X-Ratelimit-Remaining", "99");
    ok &= write_response_head(out, 11, head.status, head.reason, fields.view());
    counting = false;
  }
  EXPECT_TRUE(ok);
  EXPECT_EQ(allocations, 0u) << "allocations in 990 steady-state request/response pairs";
  // The first rounds may size the reused buffers; they should not need many.
  EXPECT_LE(warm_allocations, 8u);
}

}  // namespace
}  // namespace archway::http::h1
