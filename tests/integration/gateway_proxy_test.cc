// The gateway against a real backend: create -> revision -> deploy -> invoke, routing, proxying
// semantics, limits and backend failures.
#include <boost/asio.hpp>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class GatewayProxy : public ServerSuite {
 protected:
  // An unsecured GET API on the suite's backend whose endpoint waits a minute for an answer: a
  // read that waited for nothing would show as a 504, not as a timing.
  void deploy_patient_api(const std::string& name, const std::string& context) {
    const std::string body =
        R"({"name":")" + name + R"(","context":")" + context + R"(","version":"1.0.0",)"
        R"("endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" + backend_->url() +
        R"(","config":{"actionDuration":"60000"}}},"operations":[{"target":"/*","verb":"GET","authType":"None"}]})";
    deployed_api(body, context + "/1.0.0/status/200");
  }
};

TEST_F(GatewayProxy, CreatePublishRevisionDeployInvoke) {
  const std::string id =
      create_api(api_body("Walk", "/walk", R"([{"target":"/*","verb":"GET","authType":"None"}])",
                          "", R"("policies":["Unlimited"],)"));
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  EXPECT_EQ(gw().get("/walk/1.0.0/pets").status, 404);  // not deployed yet
  deploy(id, create_revision(id));
  EXPECT_EQ(wait_for_status("/walk/1.0.0/pets", [](int s) { return s == 200; }), 200);
  auto r = gw().get("/walk/1.0.0/pets/7?color=red&x=%20y");
  ASSERT_EQ(r.status, 200) << r.body;
  auto echo = json_of(r);
  EXPECT_EQ(echo["method"], "GET");
  EXPECT_EQ(echo["target"], "/backend/pets/7?color=red&x=%20y");
}

TEST_F(GatewayProxy, DeploymentBecomesVisibleWithin100ms) {
  const std::string id = create_api(api_body("Fast", "/fastdeploy"));
  const std::string rev = create_revision(id);
  deploy(id, rev);
  const auto start = std::chrono::steady_clock::now();
  wait_for_status("/fastdeploy/1.0.0/x", [](int s) { return s == 200; });
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  // Not a timing assertion on speed: the design promise is "visible to new requests within 100 ms".
  EXPECT_LT(ms.count(), 1000) << "deployment took " << ms.count() << " ms to reach the gateway";
}

TEST_F(GatewayProxy, GatewayServesTheDeployedRevisionNotTheWorkingCopy) {
  const std::string id =
      deployed_api(api_body("Rev", "/revsrv", R"([{"target":"/old","verb":"GET","authType":"None"}])"), "/revsrv/1.0.0/old");
  EXPECT_EQ(gw().get("/revsrv/1.0.0/old").status, 200);
  ASSERT_EQ(admin("PUT", kApis + "/" + id,
                  api_body("Rev", "/revsrv", R"([{"target":"/new","verb":"GET","authType":"None"}])")).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(gw().get("/revsrv/1.0.0/old").status, 200);  // working copy changes are not live
  EXPECT_EQ(gw().get("/revsrv/1.0.0/new").status, 404);
  deploy(id, create_revision(id));  // replaces revision 1 atomically
  EXPECT_EQ(wait_for_status("/revsrv/1.0.0/new", [](int s) { return s == 200; }), 200);
  EXPECT_EQ(gw().get("/revsrv/1.0.0/old").status, 404);
}

TEST_F(GatewayProxy, UndeployAndDeleteStopServing) {
  const std::string id = deployed_api(api_body("Gone", "/gone"), "/gone/1.0.0/x");
  auto deps = json_of(admin("GET", kApis + "/" + id + "/deployments"));
  const std::string rev(deps["list"].as_array()[0].at("revisionUuid").as_string());
  ASSERT_EQ(admin("POST", kApis + "/" + id + "/undeploy-revision?revisionId=" + rev, R"([{"name":"Default"}])").status, 201);
  EXPECT_EQ(wait_for_status("/gone/1.0.0/x", [](int s) { return s == 404; }), 404);
  deploy(id, rev);
  EXPECT_EQ(wait_for_status("/gone/1.0.0/x", [](int s) { return s == 200; }), 200);
  ASSERT_EQ(admin("DELETE", kApis + "/" + id).status, 200);
  EXPECT_EQ(wait_for_status("/gone/1.0.0/x", [](int s) { return s == 404; }), 404);
}

TEST_F(GatewayProxy, RequestsInFlightSurviveAnUndeploy) {
  const std::string id = deployed_api(
      api_body("Flight", "/flight", R"([{"target":"/*","verb":"GET","authType":"None"}])", backend_->url()),
      "/flight/1.0.0/status/200");
  int status = 0;
  std::string body;
  std::thread inflight([&] {
    auto r = gw().get("/flight/1.0.0/slow/600");
    status = r.status;
    body = r.body;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto deps = json_of(admin("GET", kApis + "/" + id + "/deployments"));
  const std::string rev(deps["list"].as_array()[0].at("revisionUuid").as_string());
  ASSERT_EQ(admin("POST", kApis + "/" + id + "/undeploy-revision?revisionId=" + rev, R"([{"name":"Default"}])").status, 201);
  EXPECT_EQ(wait_for_status("/flight/1.0.0/status/200", [](int s) { return s == 404; }), 404);
  inflight.join();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, "slow");
}

TEST_F(GatewayProxy, UrlTemplatesWildcardsAnd404And405AsJson) {
  deployed_api(api_body("Tpl", "/tpl", R"([{"target":"/pets/{petId}","verb":"GET","authType":"None"},
                                          {"target":"/files/*","verb":"PUT","authType":"None"}])"),
               "/tpl/1.0.0/pets/1");
  EXPECT_EQ(gw().get("/tpl/1.0.0/pets/abc").status, 200);
  HttpRequest put;
  put.method = "PUT";
  put.target = "/tpl/1.0.0/files/a/b/c";
  put.body = "data";
  EXPECT_EQ(gw().send(put).status, 200);
  auto nf = gw().get("/tpl/1.0.0/cats/1");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(json_of(nf)["code"], 900906);
  EXPECT_EQ(nf.header("content-type"), "application/json");
  HttpRequest del;
  del.method = "DELETE";
  del.target = "/tpl/1.0.0/pets/1";
  auto na = gw().send(del);
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(json_of(na)["code"], 405);
  EXPECT_EQ(gw().get("/nothing/here").status, 404);
}

TEST_F(GatewayProxy, DefaultVersionIsReachableWithoutVersionSegment) {
  deployed_api(api_body("Def", "/def", R"([{"target":"/*","verb":"GET","authType":"None"}])", "",
                        R"("isDefaultVersion":true,)"),
               "/def/1.0.0/x");
  auto r = gw().get("/def/items");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json_of(r)["target"], "/backend/items");
}

TEST_F(GatewayProxy, HeadersAreForwardedHopByHopRemovedAndXForwardedSet) {
  deployed_api(api_body("Hdr", "/hdr"), "/hdr/1.0.0/x");
  HttpRequest r;
  r.target = "/hdr/1.0.0/h";
  r.headers = {{"X-Custom", "kept"}, {"Connection", "keep-alive, X-Secret"}, {"X-Secret", "drop-me"},
               {"Keep-Alive", "timeout=5"}, {"TE", "trailers"}, {"X-Forwarded-For", "10.9.9.9"}};
  auto res = gw().send(r);
  ASSERT_EQ(res.status, 200) << res.body;
  auto h = json_of(res)["headers"].as_object();
  EXPECT_EQ(h["x-custom"], "kept");
  EXPECT_FALSE(h.contains("x-secret"));
  EXPECT_FALSE(h.contains("keep-alive"));
  EXPECT_FALSE(h.contains("te"));
  EXPECT_EQ(h["x-forwarded-for"], "10.9.9.9, 127.0.0.1");
  EXPECT_EQ(h["x-forwarded-proto"], "http");
  EXPECT_EQ(str(h["x-forwarded-host"]), "127.0.0.1:" + std::to_string(server_->gateway_port()));
  EXPECT_EQ(str(h["host"]), "127.0.0.1:" + std::to_string(backend_->port()));
}

TEST_F(GatewayProxy, RequestBodiesStreamWithContentLengthAndChunked) {
  deployed_api(api_body("Body", "/body"), "/body/1.0.0/x");
  HttpRequest r;
  r.method = "POST";
  r.target = "/body/1.0.0/upload";
  r.body = std::string(300 * 1024, 'a') + "end";
  auto res = gw().send(r);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(json_of(res)["body"].as_string().size(), r.body.size());
  r.chunked = true;
  r.body = "chunked-body-" + std::string(70000, 'c');
  res = gw().send(r);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(json_of(res)["body"]), r.body);
}

TEST_F(GatewayProxy, ResponsesStreamChunkedUntilEofHeadAnd204) {
  deployed_api(api_body("Resp", "/resp", R"([{"target":"/*","verb":"GET","authType":"None"},
                                           {"target":"/*","verb":"HEAD","authType":"None"}])",
                        backend_->url()),
               "/resp/1.0.0/status/200");
  auto c = gw();
  auto chunked = c.get("/resp/1.0.0/chunked");
  EXPECT_EQ(chunked.status, 200);
  EXPECT_EQ(chunked.body, "part-0 part-1 part-2 ");
  auto eof = c.get("/resp/1.0.0/nolength");
  EXPECT_EQ(eof.status, 200);
  EXPECT_EQ(eof.body, "until-eof-body");
  auto big = c.get("/resp/1.0.0/big/2000000");
  EXPECT_EQ(big.body.size(), 2000000u);
  auto nc = c.get("/resp/1.0.0/status/204");
  EXPECT_EQ(nc.status, 204);
  EXPECT_TRUE(nc.body.empty());
  auto nm = c.get("/resp/1.0.0/status/304");
  EXPECT_EQ(nm.status, 304);
  HttpRequest head;
  head.method = "HEAD";
  head.target = "/resp/1.0.0/big/5000";
  auto h = c.send(head);
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.header("content-length"), "5000");
  EXPECT_TRUE(h.body.empty());
  EXPECT_EQ(c.get("/resp/1.0.0/status/200").status, 200);  // the connection is still usable
}

TEST_F(GatewayProxy, KeepAliveIsUsedTowardTheBackend) {
  Backend own;
  deployed_api(api_body("Pool", "/pool", R"([{"target":"/*","verb":"GET","authType":"None"}])", own.url()),
               "/pool/1.0.0/x");
  auto c = gw();
  const int before = own.connections_accepted();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(c.get("/pool/1.0.0/n").status, 200);
  EXPECT_LE(own.connections_accepted() - before, 4);  // at most a connection or two per worker
}

TEST_F(GatewayProxy, BackendDownIs503AndGatewayGoesOn) {
  deployed_api(api_body("Down", "/down", R"([{"target":"/*","verb":"GET","authType":"None"}])",
                        "http://127.0.0.1:" + std::to_string(refused_port())),
               "/down/1.0.0/x");
  auto c = gw();
  auto r = c.get("/down/1.0.0/x");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(json_of(r)["code"], 101503);
  EXPECT_EQ(c.get("/health").status, 200);
}

TEST_F(GatewayProxy, SlowBackendIs504AfterEndpointTimeout) {
  const std::string ep = backend_->url();
  const std::string body =
      R"({"name":"Slowpoke","context":"/slowpoke","version":"1.0.0","endpointConfig":{"endpoint_type":"http",)"
      R"("production_endpoints":{"url":")" + ep + R"(","config":{"actionDuration":"300"}}},)"
      R"("operations":[{"target":"/*","verb":"GET","authType":"None"}]})";
  deployed_api(body, "/slowpoke/1.0.0/status/200");
  auto c = gw();
  auto r = c.get("/slowpoke/1.0.0/slow/3000");
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(json_of(r)["code"], 101504);
  EXPECT_EQ(gw().get("/slowpoke/1.0.0/slow/10").status, 200);
}

TEST_F(GatewayProxy, BackendClosingMidBodyClosesTheClientWithoutCrashing) {
  deployed_api(api_body("Mid", "/mid", R"([{"target":"/*","verb":"GET","authType":"None"}])", backend_->url()),
               "/mid/1.0.0/status/200");
  EXPECT_THROW(gw().get("/mid/1.0.0/close-mid-body"), std::exception);
  EXPECT_EQ(gw().get("/mid/1.0.0/status/200").status, 200);
}

// The backend's bytes and its FIN arrive together: reading on must find the end of the stream at
// once, not wait out the endpoint's minute-long timeout (a 504).
TEST_F(GatewayProxy, ABackendClosingInsideItsResponseHeadIs502AtOnce) {
  deploy_patient_api("MidHead", "/midhead");
  auto c = gw();
  for (int i = 0; i < 3; ++i) {
    auto r = c.get("/midhead/1.0.0/close-mid-head");
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_EQ(c.get("/midhead/1.0.0/status/200").status, 200);
  }
}

TEST_F(GatewayProxy, AConnectionTheBackendClosedRightAfterItsAnswerIsNotUsedIntoATimeout) {
  deploy_patient_api("AnsClose", "/ansclose");
  auto c = gw();
  for (int i = 0; i < 6; ++i) {
    auto r = c.get("/ansclose/1.0.0/answer-then-close");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok");
  }
  // The backend's FIN comes with its answer but nothing resets the connection after it: the next
  // request must not wait for an answer on it (a 504 after the minute-long timeout).
  for (int i = 0; i < 6; ++i) {
    auto r = c.get("/ansclose/1.0.0/answer-then-half-close");
    EXPECT_EQ(r.status, 200) << "round " << i << ": " << r.body;
    EXPECT_EQ(r.body, "ok");
  }
}

// A client that half-closes right after its request (its FIN comes with the request's bytes) gets
// the answer and then the end of the connection, not an open connection until the idle timeout.
TEST_F(GatewayProxy, AClientHalfClosingAfterItsRequestGetsTheAnswerAndTheEnd) {
  deployed_api(api_body("Half", "/half", R"([{"target":"/*","verb":"GET","authType":"None"}])", backend_->url()),
               "/half/1.0.0/status/200");
  namespace asio = boost::asio;
  for (int i = 0; i < 20; ++i) {
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server_->gateway_port())});
    asio::write(s, asio::buffer(std::string("GET /half/1.0.0/status/200 HTTP/1.1\r\nHost: x\r\n\r\n")));
    s.shutdown(asio::ip::tcp::socket::shutdown_send);
    // Reads until the gateway closes; a gateway that kept the connection open would leave the read
    // pending until the deadline cancels it (operation_aborted).
    std::string got;
    boost::system::error_code end;
    std::array<char, 4096> buf;
    asio::steady_timer deadline(io, std::chrono::seconds(20));
    deadline.async_wait([&](boost::system::error_code ec) {
      if (!ec) s.cancel();
    });
    std::function<void()> next = [&] {
      s.async_read_some(asio::buffer(buf), [&](boost::system::error_code ec, std::size_t n) {
        got.append(buf.data(), n);
        if (ec) {
          end = ec;
          deadline.cancel();
          return;
        }
        next();
      });
    };
    next();
    io.run();
    EXPECT_TRUE(got.starts_with("HTTP/1.1 200")) << got;
    EXPECT_EQ(end, asio::error::eof) << "round " << i << ": " << end.message();
  }
}

TEST_F(GatewayProxy, OversizedHeadersAre431AndBodiesAre413) {
  deployed_api(api_body("Lim", "/lim"), "/lim/1.0.0/x");
  std::string raw = "GET /lim/1.0.0/x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40000, 'h') + "\r\n\r\n";
  EXPECT_TRUE(raw_exchange("127.0.0.1", server_->gateway_port(), raw).starts_with("HTTP/1.1 431"));
  raw = "POST /lim/1.0.0/x HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\nabc";
  const std::string out = raw_exchange("127.0.0.1", server_->gateway_port(), raw);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413")) << out;
  EXPECT_EQ(gw().get("/health").status, 200);
}

TEST_F(GatewayProxy, MalformedRequestIs400) {
  const std::string out = raw_exchange("127.0.0.1", server_->gateway_port(), "GARBAGE\r\n\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << out;
}

TEST_F(GatewayProxy, HttpsListenerProxiesToo) {
  deployed_api(api_body("Tls", "/tls"), "/tls/1.0.0/x");
  HttpClient c("127.0.0.1", server_->gateway_tls_port(), true);
  auto r = c.get("/tls/1.0.0/x");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json_of(r)["headers"].at("x-forwarded-proto"), "https");
}

}  // namespace
}  // namespace archway::testing
