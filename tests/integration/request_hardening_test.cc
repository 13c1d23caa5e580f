// Hostile framing and paths against both listeners: request smuggling through Transfer-Encoding,
// HTTP/1.1 without Host, dot segments and encoded slashes on their way to a backend, TLS suites.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace asio = boost::asio;

// How many responses a raw exchange got back (status lines).
int responses_in(const std::string& out) {
  int n = 0;
  for (std::size_t at = out.find("HTTP/1."); at != std::string::npos; at = out.find("HTTP/1.", at + 1)) ++n;
  return n;
}

class RequestHardening : public ServerSuite {
 protected:
  void cap_api() {
    if (!cap_ready_)
      deployed_api(api_body("Cap", "/cap", R"([{"target":"/*","verb":"GET","authType":"None"},
                                              {"target":"/*","verb":"POST","authType":"None"}])"),
                   "/cap/1.0.0/first");
    cap_ready_ = true;
  }
  std::string gateway_raw(const std::string& bytes) { return raw_exchange("127.0.0.1", server_->gateway_port(), bytes); }
  std::string management_raw(const std::string& bytes) {
    return raw_exchange("127.0.0.1", server_->management_port(), bytes);
  }
  static inline bool cap_ready_ = false;
};

TEST_F(RequestHardening, TransferEncodingOtherThanChunkedIsRefusedAndTheSmuggledRequestNeverRuns) {
  cap_api();
  for (const std::string te : {"chunked, identity", "xchunked", "identity", "chunked, chunked", "chunked;x=1"}) {
    const int served = backend_->requests_served();
    const std::string out = gateway_raw("POST /cap/1.0.0/first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
                                        "\r\n\r\nGET /cap/1.0.0/SMUGGLED HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << te << ": " << out;
    EXPECT_EQ(responses_in(out), 1) << te << ": " << out;
    EXPECT_NE(out.find("\"code\":400"), std::string::npos) << out;
    EXPECT_EQ(backend_->requests_served(), served) << te;
  }
}

TEST_F(RequestHardening, TransferEncodingTogetherWithContentLengthIsRefused) {
  cap_api();
  const int served = backend_->requests_served();
  const std::string out = gateway_raw(
      "POST /cap/1.0.0/first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << out;
  EXPECT_EQ(backend_->requests_served(), served);
}

TEST_F(RequestHardening, UnknownCodingsBeforeChunkedAre501) {
  cap_api();
  const std::string out =
      gateway_raw("POST /cap/1.0.0/first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 501")) << out;
}

TEST_F(RequestHardening, ChunkedBodiesStillReachTheBackend) {
  cap_api();
  const std::string out = gateway_raw(
      "POST /cap/1.0.0/first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200")) << out;
  EXPECT_NE(out.find("hello"), std::string::npos) << out;
}

TEST_F(RequestHardening, TheManagementListenerRefusesSmuggledRequestsToo) {
  const std::string out = management_raw(
      "POST /api/am/devportal/v3/apis HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
      "GET /api/am/devportal/v3/apis HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << out;
  EXPECT_EQ(responses_in(out), 1) << out;
  const std::string both = management_raw(
      "POST /api/am/devportal/v3/apis HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_TRUE(both.starts_with("HTTP/1.1 400")) << both;
}

TEST_F(RequestHardening, Http11WithoutHostIs400OnBothListeners) {
  cap_api();
  const int served = backend_->requests_served();
  const std::string gw = gateway_raw("GET /cap/1.0.0/first HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(gw.starts_with("HTTP/1.1 400")) << gw;
  EXPECT_NE(gw.find("Host"), std::string::npos) << gw;
  EXPECT_EQ(backend_->requests_served(), served);
  const std::string mgmt = management_raw("GET /api/am/devportal/v3/apis HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(mgmt.starts_with("HTTP/1.1 400")) << mgmt;
  const std::string twice = gateway_raw("GET /cap/1.0.0/first HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  EXPECT_TRUE(twice.starts_with("HTTP/1.1 400")) << twice;
  // HTTP/1.0 has no Host requirement.
  const std::string old = gateway_raw("GET /cap/1.0.0/first HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(old.starts_with("HTTP/1.0 200") || old.starts_with("HTTP/1.1 200")) << old;
}

TEST_F(RequestHardening, DotSegmentsNeverStepOutOfTheEndpointsBasePath) {
  cap_api();
  // Within the API: normalised, and the backend gets the normal form under its base path.
  auto r = gw().get("/cap/1.0.0/a/../b/./c");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["target"], "/backend/b/c");
  r = gw().get("/cap/1.0.0/x%2e%2E/%41?q=%2e%2e");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["target"], "/backend/x../A?q=%2e%2e");  // "x.." is a name, not a dot segment
  // Out of the API: the backend never sees it.
  const int served = backend_->requests_served();
  EXPECT_EQ(gw().get("/cap/1.0.0/../../admin").status, 404);
  EXPECT_EQ(gw().get("/cap/1.0.0/%2e%2e/%2e%2e/admin").status, 404);
  EXPECT_EQ(gw().get("/cap/1.0.0/../../../etc/passwd").status, 400);
  EXPECT_EQ(gw().get("/cap/1.0.0/..%2f..%2fadmin").status, 400);
  EXPECT_EQ(gw().get("/cap/1.0.0/a%5c..%5cadmin").status, 400);
  EXPECT_EQ(gw().get("/cap/1.0.0/x%00y").status, 400);
  EXPECT_EQ(gw().get("/cap/1.0.0/x%zz").status, 400);
  EXPECT_EQ(backend_->requests_served(), served);
  const auto refused = gw().get("/cap/1.0.0/a%2fb");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("gateway.allow_encoded_slashes"), std::string::npos) << refused.body;
}

// A TLS 1.2 handshake offering only `ciphers`: whether the server accepted one of them.
bool tls12_handshake(int port, const char* ciphers) {
  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);  // let the client offer old suites at all
  if (SSL_CTX_set_cipher_list(ctx.native_handle(), ciphers) != 1) return false;
  ctx.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<asio::ip::tcp::socket> s(io, ctx);
  s.next_layer().connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  boost::system::error_code ec;
  s.handshake(asio::ssl::stream_base::client, ec);
  return !ec;
}

TEST_F(RequestHardening, Tls12OffersOnlyAeadSuitesWithForwardSecrecy) {
  constexpr const char* kCbcSha1 = "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:AES128-SHA:AES256-SHA";
  constexpr const char* kCbcSha256 = "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:AES128-SHA256";
  constexpr const char* kStaticRsaGcm = "AES128-GCM-SHA256:AES256-GCM-SHA384";
  constexpr const char* kAead = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256";
  for (const int port : {server_->gateway_tls_port(), server_->management_tls_port()}) {
    EXPECT_FALSE(tls12_handshake(port, kCbcSha1)) << port;
    EXPECT_FALSE(tls12_handshake(port, kCbcSha256)) << port;
    EXPECT_FALSE(tls12_handshake(port, kStaticRsaGcm)) << port;
    EXPECT_TRUE(tls12_handshake(port, kAead)) << port;
  }
}

// The Publisher portal's own client signs in through the form, as in the browser.
std::string portal_authorize_params(int management_port) {
  const std::string redirect = "http%3A%2F%2F127.0.0.1%3A" + std::to_string(management_port) + "%2Fpublisher%2Fcallback";
  return "response_type=code&client_id=archway-publisher&redirect_uri=" + redirect +
         "&scope=apim%3Aapi_view&state=st&code_challenge=" + std::string(43, 'c') + "&code_challenge_method=S256";
}

TEST_F(RequestHardening, TheSignInFormOnlyAcceptsPostsCarryingTheTokenBoundToThisBrowser) {
  const std::string params = portal_authorize_params(server_->management_port());
  const std::string creds = "username=admin&password=test-admin-pw";
  auto post = [&](const std::string& body, const std::string& cookie) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/oauth2/authorize";
    r.body = body;
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
    return mgmt().send(r);
  };
  // A page elsewhere posting the right credentials: no cookie, no token.
  auto forged = post(params + "&" + creds, "");
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_TRUE(forged.header("location").empty());
  // The page sets the browser's cookie and embeds a token for it.
  auto page = mgmt().get("/oauth2/authorize?" + params);
  ASSERT_EQ(page.status, 200);
  const std::string set_cookie = page.header("set-cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const std::string marker = "name=\"csrf_token\" value=\"";
  const std::size_t at = page.body.find(marker) + marker.size();
  const std::string token = page.body.substr(at, page.body.find('"', at) - at);
  ASSERT_FALSE(token.empty());
  // The token without its cookie, with another browser's cookie, or altered: refused.
  EXPECT_EQ(post(params + "&" + creds + "&csrf_token=" + token, "").status, 403);
  EXPECT_EQ(post(params + "&" + creds + "&csrf_token=" + token, "archway_signin=" + std::string(43, 'A')).status, 403);
  std::string altered = token;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(post(params + "&" + creds + "&csrf_token=" + altered, cookie).status, 403);
  // The browser that got the page signs in.
  auto ok = post(params + "&" + creds + "&csrf_token=" + token, cookie);
  ASSERT_EQ(ok.status, 302) << ok.body;
  EXPECT_NE(ok.header("location").find("code="), std::string::npos);
}

class EncodedSlashesAllowed : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(ServerOptions{{"--set", "gateway.allow_encoded_slashes=true"}});
    backend_ = new Backend();
  }
};

TEST_F(EncodedSlashesAllowed, AnEncodedSlashIsForwardedStillEncoded) {
  deployed_api(api_body("Slash", "/slash"), "/slash/1.0.0/x");
  auto r = gw().get("/slash/1.0.0/a%2fb");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["target"], "/backend/a%2Fb");
  r = gw().get("/slash/1.0.0/..%2F..%2Fadmin");  // one segment named "..%2F..%2Fadmin"
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["target"], "/backend/..%2F..%2Fadmin");
  EXPECT_EQ(gw().get("/slash/1.0.0/x%00").status, 400);
}

}  // namespace
}  // namespace archway::testing
