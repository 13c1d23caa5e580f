#include "identity/login_throttle.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace archway::identity {
namespace {

using std::chrono::milliseconds;
using Kind = LoginKeyKind;

class LoginThrottleTest : public ::testing::Test {
 protected:
  LoginThrottle make(LoginThrottleOptions o = {}) {
    return LoginThrottle(o, [this] { return now_; });
  }
  void fail(LoginThrottle& t, Kind kind, std::string_view key, int times = 1) {
    for (int i = 0; i < times; ++i) t.failed({{kind, key}});
  }
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1000)};
};

TEST_F(LoginThrottleTest, BackoffDoublesFromTheBaseAfterTheFreeFailuresUpToTheCap) {
  const milliseconds base(1000), max(900000);
  for (int f = 0; f <= 5; ++f)
    EXPECT_EQ(LoginThrottle::lock_after(f, 5, base, max), milliseconds(0)) << f;
  EXPECT_EQ(LoginThrottle::lock_after(6, 5, base, max), milliseconds(1000));
  EXPECT_EQ(LoginThrottle::lock_after(7, 5, base, max), milliseconds(2000));
  EXPECT_EQ(LoginThrottle::lock_after(8, 5, base, max), milliseconds(4000));
  EXPECT_EQ(LoginThrottle::lock_after(15, 5, base, max), milliseconds(512000));
  EXPECT_EQ(LoginThrottle::lock_after(16, 5, base, max), max);       // 1024 s, capped
  EXPECT_EQ(LoginThrottle::lock_after(1000000, 5, base, max), max);  // no overflow however many
  EXPECT_EQ(LoginThrottle::lock_after(1, 0, milliseconds(200), max), milliseconds(200));
  EXPECT_EQ(LoginThrottle::lock_after(3, 0, milliseconds(86400000), milliseconds(86400000)),
            milliseconds(86400000));
}

TEST_F(LoginThrottleTest, AKeyIsLockedForItsBackoffAndASuccessStartsItAfresh) {
  LoginThrottle t = make({5, 20, milliseconds(1000), milliseconds(900000), 1000});
  fail(t, Kind::kUser, "ann", 5);
  EXPECT_EQ(t.locked_for({{Kind::kUser, "ann"}}), milliseconds(0));  // five are free
  fail(t, Kind::kUser, "ann");
  EXPECT_EQ(t.locked_for({{Kind::kUser, "ann"}}), milliseconds(1000));
  now_ += milliseconds(999);
  EXPECT_EQ(t.locked_for({{Kind::kUser, "ann"}}), milliseconds(1));
  now_ += milliseconds(1);
  EXPECT_EQ(t.locked_for({{Kind::kUser, "ann"}}), milliseconds(0));
  fail(t, Kind::kUser, "ann");
  EXPECT_EQ(t.locked_for({{Kind::kUser, "ann"}}), milliseconds(2000));
  now_ += milliseconds(2000);
  fail(t, Kind::kUser, "ann");
  EXPECT_EQ(t.locked_for({{Kind::kUser, "ann"}}), milliseconds(4000));
  EXPECT_EQ(LoginThrottle::retry_after_s(milliseconds(4000)), 4);
  EXPECT_EQ(LoginThrottle::retry_after_s(milliseconds(1)), 1);
  EXPECT_EQ(LoginThrottle::retry_after_s(milliseconds(1001)), 2);

  t.succeeded({{Kind::kUser, "ann"}});
  EXPECT_EQ(t.locked_for({{Kind::kUser, "ann"}}), milliseconds(0));
  fail(t, Kind::kUser, "ann", 5);
  EXPECT_EQ(t.locked_for({{Kind::kUser, "ann"}}), milliseconds(0));
}

TEST_F(LoginThrottleTest, KeysOfOtherNamesAndKindsAreNotAffected) {
  LoginThrottle t = make({2, 4, milliseconds(1000), milliseconds(60000), 1000});
  fail(t, Kind::kUser, "ann", 3);
  EXPECT_GT(t.locked_for({{Kind::kUser, "ann"}}).count(), 0);
  EXPECT_EQ(t.locked_for({{Kind::kUser, "bob"}}), milliseconds(0));
  EXPECT_EQ(t.locked_for({{Kind::kClient, "ann"}}), milliseconds(0));
  // The longest lock among the keys of an attempt counts.
  EXPECT_EQ(t.locked_for({{Kind::kUser, "bob"}, {Kind::kUser, "ann"}}), milliseconds(1000));
  // An address has its own, higher free count.
  fail(t, Kind::kAddress, "10.0.0.1", 4);
  EXPECT_EQ(t.locked_for({{Kind::kAddress, "10.0.0.1"}}), milliseconds(0));
  fail(t, Kind::kAddress, "10.0.0.1");
  EXPECT_EQ(t.locked_for({{Kind::kAddress, "10.0.0.1"}}), milliseconds(1000));
}

TEST_F(LoginThrottleTest, AKeyQuietForTheCapIsForgotten) {
  LoginThrottle t = make({1, 20, milliseconds(1000), milliseconds(60000), 1000});
  fail(t, Kind::kClient, "ck", 3);  // locked 2 s
  EXPECT_EQ(t.locked_for({{Kind::kClient, "ck"}}), milliseconds(2000));
  now_ += milliseconds(2000 + 59999);
  fail(t, Kind::kClient, "ck");  // still remembered: the 4th failure in a row
  EXPECT_EQ(t.locked_for({{Kind::kClient, "ck"}}), milliseconds(4000));
  now_ += milliseconds(4000 + 60000);
  EXPECT_EQ(t.locked_for({{Kind::kClient, "ck"}}), milliseconds(0));
  EXPECT_EQ(t.tracked(Kind::kClient), 0u);
  fail(t, Kind::kClient, "ck");  // a first failure again: free
  EXPECT_EQ(t.locked_for({{Kind::kClient, "ck"}}), milliseconds(0));
}

TEST_F(LoginThrottleTest, AFloodOfDistinctKeysKeepsTheTrackedKeysAtTheBoundAndLockedKeysLast) {
  LoginThrottle t = make({5, 20, milliseconds(1000), milliseconds(900000), 100000});
  fail(t, Kind::kUser, "victim", 20);  // locked for the cap
  ASSERT_GT(t.locked_for({{Kind::kUser, "victim"}}).count(), 0);
  std::size_t most = 0;
  for (int i = 0; i < 1000000; ++i) {
    fail(t, Kind::kUser, "guess-" + std::to_string(i));
    if (i % 1000 == 0) most = std::max(most, t.tracked(Kind::kUser));
    if (i % 100 == 0) now_ += milliseconds(1);
  }
  most = std::max(most, t.tracked(Kind::kUser));
  EXPECT_LE(most, 100000u);
  EXPECT_GT(t.tracked(Kind::kUser), 50000u);  // it keeps what it can
  EXPECT_GT(t.locked_for({{Kind::kUser, "victim"}}).count(),
            0);  // the locked key survived the flood
  EXPECT_EQ(t.tracked(Kind::kClient), 0u);
}

TEST_F(LoginThrottleTest, ConcurrentFailuresAreAllCounted) {
  constexpr int kThreads = 8, kEach = 1000;
  LoginThrottle t =
      make({kThreads * kEach - 1, 1000000, milliseconds(1000), milliseconds(60000), 1000});
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      for (int n = 0; n < kEach; ++n) {
        t.failed({{Kind::kUser, "ann"}, {Kind::kAddress, "10.0.0.1"}});
        (void)t.locked_for({{Kind::kUser, "ann"}});
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.locked_for({{Kind::kUser, "ann"}}),
            milliseconds(1000));  // the 8000th failure, exactly
}

TEST_F(LoginThrottleTest, UserAndAddressKeys) {
  EXPECT_EQ(LoginThrottle::user_key("Admin"), LoginThrottle::user_key("admin"));
  EXPECT_EQ(LoginThrottle::address_key("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(LoginThrottle::address_key("::ffff:10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(LoginThrottle::address_key("2001:db8:1:2:3:4:5:6"),
            LoginThrottle::address_key("2001:db8:1:2::9"));
  EXPECT_NE(LoginThrottle::address_key("2001:db8:1:2::1"),
            LoginThrottle::address_key("2001:db8:1:3::1"));
  EXPECT_EQ(LoginThrottle::address_key(""), "");
}

}  // namespace
}  // namespace archway::identity
