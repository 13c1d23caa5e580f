#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "gateway/gateway_server.h"

namespace archway::gateway {
namespace {

TEST(SnapshotRetirement, AReplacedSnapshotIsFreedOnceNoRequestHoldsIt) {
  GatewayServer server(GatewayOptions{});
  auto first = RuntimeSnapshot::build({}, 1);
  std::weak_ptr<const RuntimeSnapshot> watch = first;
  server.update(std::move(first));
  auto held = watch.lock();  // a request in flight still uses it
  server.update(RuntimeSnapshot::build({}, 2));
  EXPECT_FALSE(watch.expired());
  held.reset();  // the request ends; its thread does not free it: the gateway's janitor does
  for (int i = 0; i < 300 && !watch.expired(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(watch.expired());
}

TEST(SnapshotRetirement, ASnapshotNobodyHoldsIsFreedAtTheNextUpdate) {
  GatewayServer server(GatewayOptions{});
  auto first = RuntimeSnapshot::build({}, 1);
  std::weak_ptr<const RuntimeSnapshot> watch = first;
  server.update(std::move(first));
  server.update(RuntimeSnapshot::build({}, 2));
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace archway::gateway
