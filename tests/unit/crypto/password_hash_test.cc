#include "crypto/password_hash.h"

#include <gtest/gtest.h>

#include "crypto/random.h"

namespace archway::crypto {
namespace {

TEST(PasswordHash, VerifiesTheRightPasswordOnly) {
  const std::string h = hash_password("s3cret!");
  EXPECT_TRUE(h.starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password(h, "s3cret!"));
  EXPECT_FALSE(verify_password(h, "s3cret"));
  EXPECT_FALSE(verify_password(h, ""));
}

TEST(PasswordHash, SaltsEveryHash) { EXPECT_NE(hash_password("same"), hash_password("same")); }

TEST(PasswordHash, GarbageHashNeverVerifies) { EXPECT_FALSE(verify_password("not-a-hash", "x")); }

TEST(RandomPassword, HasRequestedLengthAndDiffers) {
  const auto a = random_password(20);
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, random_password(20));
}

TEST(Sha256, MatchesKnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace archway::crypto
