// Client authentication with HTTP Basic at the resident Key Manager (RFC 6749 section 2.3.1): the
// client id and secret are form-urlencoded before the Basic encoding, and decoded by the server.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <string>

#include "common/ids.h"
#include "crypto/random.h"
#include "keymanager/key_manager.h"
#include "store/store.h"

namespace archway::keymanager {
namespace {

// application/x-www-form-urlencoded, encoding everything but ALPHA / DIGIT as the strictest
// clients do (a widely used OpenID Connect library turns '_' into %5F).
std::string form_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

class ClientBasicAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("archway-km-" + common::new_uuid());
    std::filesystem::create_directories(dir_);
    store_ = store::open_sqlite_store((dir_ / "archway.db").string());
    km_ = std::make_unique<KeyManager>(*store_, crypto::SecretBox(std::string(32, 'k')), KeyManagerOptions{});
  }
  void TearDown() override {
    km_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A client with this id and secret (the store keeps the secret's hash, as for generated ones).
  void client(const std::string& id, const std::string& secret) {
    domain::Application app;
    app.id = common::new_uuid();
    app.name = "app-" + app.id;
    app.owner = "alice";
    app.throttling_policy = "Unlimited";
    store_->create_application(app);
    domain::KeyMapping k;
    k.id = common::new_uuid();
    k.application_id = app.id;
    k.key_type = "PRODUCTION";
    k.consumer_key = id;
    k.consumer_secret_hash = crypto::sha256_hex(secret);
    store_->create_key_mapping(k);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<KeyManager> km_;
};

TEST_F(ClientBasicAuth, EveryReservedCharacterInIdAndSecretIsDecodedFromTheFormEncoding) {
  const std::string id = "id:/?#[]@!$&'()*+,;=%-._~ end";
  const std::string secret = "secret:/?#[]@!$&'()*+,;=%-._~ end";
  client(id, secret);
  const auto c = km_->authenticate_basic_client({form_encode(id), form_encode(secret)});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->consumer_key, id);
}

TEST_F(ClientBasicAuth, GeneratedStyleCredentialsWorkEncodedAndRaw) {
  const std::string id = "Ab3_x-Yz9_Q-";
  const std::string secret = "s_e-c_r-e_t-0123456789_-";
  client(id, secret);
  EXPECT_TRUE(km_->authenticate_basic_client({form_encode(id), form_encode(secret)}).has_value());
  EXPECT_TRUE(km_->authenticate_basic_client({id, secret}).has_value());
  EXPECT_TRUE(km_->authenticate_basic_client({id, form_encode(secret)}).has_value());
}

TEST_F(ClientBasicAuth, ARawSecretWhoseDecodingDiffersStillAuthenticates) {
  const std::string secret = "a+b%2Fc";  // decoding would make it "a b/c"
  client("raw-client", secret);
  EXPECT_TRUE(km_->authenticate_basic_client({"raw-client", secret}).has_value());
  EXPECT_TRUE(km_->authenticate_basic_client({"raw-client", form_encode(secret)}).has_value());
}

TEST_F(ClientBasicAuth, WrongSecretsAreRefusedInEitherForm) {
  client("c1", "right_secret");
  EXPECT_FALSE(km_->authenticate_basic_client({"c1", "wrong_secret"}).has_value());
  EXPECT_FALSE(km_->authenticate_basic_client({"c1", form_encode("wrong_secret")}).has_value());
  EXPECT_FALSE(km_->authenticate_basic_client({"c1", "right%5Fsecret%"}).has_value());
  EXPECT_FALSE(km_->authenticate_basic_client({form_encode("c2"), "right_secret"}).has_value());
}

}  // namespace
}  // namespace archway::keymanager
