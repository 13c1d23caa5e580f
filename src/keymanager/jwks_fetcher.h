#pragma once
// Keeps the JWKS of external key managers current: fetched when one is added, every
// `refresh_interval`, and on request when a gateway meets an unknown kid (at most once per
// `min_refetch_interval` per key manager). Fetched key sets go to the Store, so the change feed
// carries them to gateways like any other security change.
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "http/client.h"
#include "store/store.h"

namespace archway::keymanager {

class JwksFetcher {
 public:
  JwksFetcher(store::Store& store, std::shared_ptr<boost::asio::ssl::context> tls,
              std::chrono::seconds refresh_interval = std::chrono::minutes(15),
              std::chrono::milliseconds min_refetch_interval = std::chrono::seconds(5));
  ~JwksFetcher();

  void start();
  void stop();
  // Thread-safe and cheap: asks for a refetch of the key manager with that issuer.
  void request_refresh(std::string_view issuer);
  // Fetches one key manager's JWKS now; returns an error text, empty on success.
  std::string refresh(const std::string& key_manager_id);
  // GETs an identity provider's OpenID discovery document (`url`, http or https, verified with the
  // same trust store as the key sets), for the Admin's key manager discovery.
  http::FetchResult fetch_document(const std::string& url);

 private:
  void run();

  store::Store& store_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::chrono::seconds refresh_interval_;
  std::chrono::milliseconds min_refetch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> requested_;  // issuers
  std::map<std::string, std::chrono::steady_clock::time_point> last_fetch_;  // by key manager id
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace archway::keymanager
