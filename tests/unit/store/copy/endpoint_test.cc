#include "store/copy/endpoint.h"

#include <gtest/gtest.h>

namespace archway::store::copy {
namespace {

std::string shown(std::string_view text) {
  std::string error;
  const auto e = parse_endpoint(text, &error);
  EXPECT_TRUE(e) << text << ": " << error;
  return e ? e->display() : "";
}

TEST(MigrateEndpoint, APasswordInTheUserPartIsNotShown) {
  EXPECT_EQ(shown("postgresql://archway:s3cret@db:5432/archway"),
            "postgresql://archway:***@db:5432/archway");
  EXPECT_EQ(shown("postgres://u:p%40ss@[::1]/x?sslmode=require"),
            "postgres://u:***@[::1]/x?sslmode=require");
  EXPECT_EQ(shown("postgresql://archway@db/archway"), "postgresql://archway@db/archway");
  EXPECT_EQ(shown("postgresql://archway:@db/archway"),
            "postgresql://archway:@db/archway");  // an empty one
}

// Found writing tests/fuzz/migrate_url_fuzz.cc (libpq reads the password from the query too): the
// message `archway migrate` prints named such a URL with its password.
TEST(MigrateEndpoint, APasswordInAQueryParameterIsNotShown) {
  EXPECT_EQ(shown("postgresql://db/archway?user=a&password=s3cret&connect_timeout=5"),
            "postgresql://db/archway?user=a&password=***&connect_timeout=5");
  EXPECT_EQ(shown("postgresql://db/archway?pass%77ord=s3cret"),
            "postgresql://db/archway?pass%77ord=***");
  EXPECT_EQ(shown("postgresql://u:one@db?password=two"), "postgresql://u:***@db?password=***");
  EXPECT_EQ(shown("postgresql://db/archway?passfile=/etc/pgpass"),
            "postgresql://db/archway?passfile=/etc/pgpass");
}

TEST(MigrateEndpoint, AnotherSchemeIsRefusedWithoutShowingItsPassword) {
  std::string error;
  EXPECT_FALSE(parse_endpoint("mysql://root:s3cret@db/x", &error));
  EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
  // Found by the migrate_url fuzz target: a libpq key=value string was echoed whole.
  EXPECT_FALSE(parse_endpoint("host=db user=archway password=s3cret", &error));
  EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
  EXPECT_FALSE(parse_endpoint("sqlite:", &error));
  EXPECT_EQ(shown("sqlite:///srv/archway"), "sqlite:/srv/archway");
}

}  // namespace
}  // namespace archway::store::copy
