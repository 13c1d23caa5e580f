#pragma once
// A small blocking HTTP/1.1 client for tests: keeps its connection alive between requests.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace archway::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;

  std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool chunked = false;  // send the body with Transfer-Encoding: chunked
  int timeout_ms = 10000;
};

class HttpClient {
 public:
  HttpClient(std::string host, int port, bool tls = false);
  ~HttpClient();

  HttpResponse send(const HttpRequest& req);
  HttpResponse get(const std::string& target, std::vector<std::pair<std::string, std::string>> headers = {});
  // Basic-authenticated JSON call.
  HttpResponse call(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& user, const std::string& password);
  bool connected() const;
  void close();

 private:
  struct Impl;
  Impl* impl_;
};

// Writes raw bytes to host:port and returns everything read until the peer closes or timeout.
std::string raw_exchange(const std::string& host, int port, const std::string& bytes, int timeout_ms = 5000);

std::string basic_auth(const std::string& user, const std::string& password);

// A multipart/form-data body: add fields and files, then send `body()` with `content_type()`.
class Multipart {
 public:
  Multipart& field(const std::string& name, const std::string& value, const std::string& type = "");
  Multipart& file(const std::string& name, const std::string& filename, const std::string& bytes,
                  const std::string& type = "application/octet-stream");
  std::string body() const { return body_ + "--" + boundary_ + "--\r\n"; }
  std::string content_type() const { return "multipart/form-data; boundary=" + boundary_; }

 private:
  std::string boundary_ = "archway-test-7MA4YWxkTrZu0gW";
  std::string body_;
};

}  // namespace archway::testing
