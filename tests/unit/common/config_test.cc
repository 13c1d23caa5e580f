#include "common/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace archway::common {
namespace {

// The files write_toml() wrote, removed when the test program exits.
struct TomlFiles {
  std::vector<std::filesystem::path> files;
  ~TomlFiles() {
    std::error_code ec;
    for (const auto& f : files) std::filesystem::remove(f, ec);
  }
};

std::string write_toml(const std::string& text) {
  static TomlFiles written;
  static int n = 0;
  auto p = std::filesystem::temp_directory_path() / ("archway-config-test-" + std::to_string(getpid()) + "-" +
                                                     std::to_string(n++) + ".toml");
  std::ofstream(p) << text;
  written.files.push_back(p);
  return p.string();
}

TEST(Config, EveryKeyHasADefaultAndAHelpLine) {
  const auto docs = config_key_docs();
  ASSERT_EQ(docs.size(), config_keys().size());
  for (const auto& d : docs) {
    EXPECT_FALSE(d.default_value.empty()) << d.name << " has no default in config_key_docs";
    EXPECT_FALSE(d.help.empty()) << d.name << " has no help line in config_key_docs";
  }
}

TEST(Config, DefaultsMatchTheDocumentedPorts) {
  Config c = load_config({});
  EXPECT_EQ(c.management.http_port, 9763);
  EXPECT_EQ(c.management.https_port, 9443);
  EXPECT_EQ(c.gateway.http_port, 8280);
  EXPECT_EQ(c.gateway.https_port, 8243);
  EXPECT_EQ(c.data_dir, "./data");
}

TEST(Config, FlagsOverrideEnvironmentWhichOverridesFile) {
  ConfigSources s;
  s.config_file = write_toml("[gateway]\nhttp_port = 1111\nhttps_port = 2222\n[management]\nhttp_port = 3333\n");
  s.environment = {{"ARCHWAY_GATEWAY_HTTP_PORT", "4444"}, {"ARCHWAY_MANAGEMENT_HTTP_PORT", "5555"}};
  s.flags = {{"gateway.http_port", "6666"}};
  Config c = load_config(s);
  EXPECT_EQ(c.gateway.http_port, 6666);
  EXPECT_EQ(c.management.http_port, 5555);
  EXPECT_EQ(c.gateway.https_port, 2222);
}

TEST(Config, StoreDefaultsToSqliteWithAPoolOfEight) {
  Config c = load_config({});
  EXPECT_EQ(c.store_url, "");
  EXPECT_EQ(c.store_pool_size, 8);
  EXPECT_EQ(c.store_pool_wait_ms, 5000);
}

TEST(Config, StorePostgresqlUrlAndPoolAreRead) {
  ConfigSources s;
  s.config_file = write_toml(
      "[store]\nurl = \"postgresql://archway:pw@db:5432/archway?sslmode=require\"\npool_size = 3\n"
      "pool_wait_ms = 250\n");
  Config c = load_config(s);
  EXPECT_EQ(c.store_url, "postgresql://archway:pw@db:5432/archway?sslmode=require");
  EXPECT_EQ(c.store_pool_size, 3);
  EXPECT_EQ(c.store_pool_wait_ms, 250);
  s.environment = {{"ARCHWAY_STORE_URL", "postgres://db/archway"}, {"ARCHWAY_STORE_POOL_SIZE", "16"}};
  c = load_config(s);
  EXPECT_EQ(c.store_url, "postgres://db/archway");
  EXPECT_EQ(c.store_pool_size, 16);
}

TEST(Config, StoreUrlOfAnotherSchemeIsRejectedByNameWithoutItsPassword) {
  for (const std::string url : {"mysql://root:hunter2@db/archway", "sqlite:/var/lib/archway.db", "hunter2"}) {
    ConfigSources s;
    s.flags = {{"store.url", url}};
    try {
      load_config(s);
      FAIL() << "expected ConfigError for " << url;
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("store.url"), std::string::npos) << what;
      EXPECT_NE(what.find("postgresql://"), std::string::npos) << what;
      EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
    }
  }
}

TEST(Config, StorePoolSizeOutOfRangeIsRejected) {
  ConfigSources s;
  s.flags = {{"store.pool_size", "0"}};
  EXPECT_THROW(load_config(s), ConfigError);
  s.flags = {{"store.pool_wait_ms", "-1"}};
  EXPECT_THROW(load_config(s), ConfigError);
}

TEST(Config, UnknownFileKeyIsRejectedByName) {
  ConfigSources s;
  s.config_file = write_toml("[gateway]\nhttp_prot = 1\n");
  try {
    load_config(s);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("gateway.http_prot"), std::string::npos) << e.what();
  }
}

TEST(Config, InvalidValueIsRejectedByName) {
  ConfigSources s;
  s.flags = {{"gateway.http_port", "eighty"}};
  try {
    load_config(s);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("gateway.http_port"), std::string::npos);
  }
  s.flags = {{"gateway.http_port", "70000"}};
  EXPECT_THROW(load_config(s), ConfigError);
  s.flags = {{"server.log_level", "loud"}};
  EXPECT_THROW(load_config(s), ConfigError);
}

TEST(Config, UnknownEnvironmentVariableIsRejectedByName) {
  ConfigSources s;
  s.environment = {{"ARCHWAY_GATEWAY_HTTP_PROT", "1"}};
  try {
    load_config(s);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("ARCHWAY_GATEWAY_HTTP_PROT"), std::string::npos);
  }
}

TEST(Config, ServerKeysMayDropTheirSectionInTheEnvironment) {
  ConfigSources s;
  s.environment = {{"ARCHWAY_DATA_DIR", "/tmp/x"}, {"ARCHWAY_ADMIN_PASSWORD", "pw"}};
  Config c = load_config(s);
  EXPECT_EQ(c.data_dir, "/tmp/x");
  EXPECT_EQ(c.admin_password, "pw");
}

TEST(Config, MalformedTomlNamesTheFileAndLine) {
  ConfigSources s;
  s.config_file = write_toml("[gateway]\nhttp_port = = 1\n");
  try {
    load_config(s);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(":2:"), std::string::npos) << e.what();
  }
}

// Found by tests/fuzz/config_fuzz.cc: toml++ 3.3 aborted (a failed assert) on this table header.
TEST(Config, TableHeaderWithoutAKeyIsAConfigErrorNotAnAbort) {
  ConfigSources s;
  s.config_file = write_toml("[,gahttp_prot = 80\n%");
  EXPECT_THROW(load_config(s), ConfigError);
  s.config_file = write_toml("[gateway]\n[ ,x]\n");
  EXPECT_THROW(load_config(s), ConfigError);
}

// Found by tests/fuzz/config_fuzz.cc: toml++ 3.3 reached __builtin_unreachable() on U+0137 where
// it looked for whitespace. Outside strings and comments TOML has no room for such characters.
TEST(Config, NonAsciiOutsideStringsIsAConfigErrorNamingTheLine) {
  ConfigSources s;
  s.config_file = write_toml("[gateway]\nhttp_port = 1\u0137\n");
  try {
    load_config(s);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(":2:"), std::string::npos) << e.what();
  }
  // Inside strings and comments, and after a byte order mark, they are fine.
  s.config_file = write_toml("\xEF\xBB\xBF# donn\u00e9es\n[server]\ndata_dir = \"/srv/donn\u00e9es\" # \u00e9\n"
                             "[keymanager]\nissuer = '''https://\u0137\n'''\n");
  EXPECT_EQ(load_config(s).data_dir, "/srv/donn\u00e9es");
}

TEST(Config, WrongTypeInFileIsRejected) {
  ConfigSources s;
  s.config_file = write_toml("[gateway]\nhttp_port = \"8280\"\n");
  EXPECT_THROW(load_config(s), ConfigError);
}

TEST(Config, MissingConfigFileIsAnError) {
  ConfigSources s;
  s.config_file = "/nonexistent/archway.toml";
  EXPECT_THROW(load_config(s), ConfigError);
}

}  // namespace
}  // namespace archway::common
