#include "publisher/api_validation.h"

#include <gtest/gtest.h>

#include "common/problem.h"
#include "domain/api_json.h"

namespace archway::publisher {
namespace {

domain::Api valid() {
  domain::Api a;
  a.name = "Pets";
  a.context = "/pets/";
  a.version = "1.0.0";
  a.endpoint_config = domain::endpoint_config_from_json(
      boost::json::parse(R"({"endpoint_type":"http","production_endpoints":{"url":"http://localhost:9000"}})")
          .as_object());
  return a;
}

std::string rejection(domain::Api a) {
  try {
    normalise_and_validate(a);
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 400);
    return e.problem().description;
  }
  return "";
}

TEST(ApiValidation, NormalisesContextAndAddsDefaultOperations) {
  domain::Api a = valid();
  normalise_and_validate(a);
  EXPECT_EQ(a.context, "/pets");
  ASSERT_EQ(a.operations.size(), 5u);
  EXPECT_EQ(a.operations[0].target, "/*");
}

TEST(ApiValidation, RejectionsNameTheField) {
  auto a = valid();
  a.name = "";
  EXPECT_NE(rejection(a).find("'name'"), std::string::npos);
  a = valid();
  a.name = "bad/name";
  EXPECT_NE(rejection(a).find("'name'"), std::string::npos);
  a = valid();
  a.context = "pets";
  EXPECT_NE(rejection(a).find("'context' must start with '/'"), std::string::npos);
  a = valid();
  a.context = "/pe ts";
  EXPECT_NE(rejection(a).find("'context' contains an illegal character"), std::string::npos);
  a = valid();
  a.context = "/a//b";
  EXPECT_NE(rejection(a).find("'context'"), std::string::npos);
  a = valid();
  a.version = "";
  EXPECT_NE(rejection(a).find("'version'"), std::string::npos);
  a = valid();
  a.operations.push_back({"", "/x", "FETCH"});
  EXPECT_NE(rejection(a).find("'operations[0].verb'"), std::string::npos);
  a = valid();
  a.operations.push_back({"", "x", "GET"});
  EXPECT_NE(rejection(a).find("'operations[0].target'"), std::string::npos);
  a = valid();
  a.operations.push_back({"", "/x", "GET"});
  a.operations.push_back({"", "/x", "get"});
  EXPECT_NE(rejection(a).find("duplicates"), std::string::npos);
  a = valid();
  a.endpoint_config.production->url = "http//nope";
  EXPECT_NE(rejection(a).find("'endpointConfig.production_endpoints.url'"), std::string::npos);
  a = valid();
  a.operations.push_back({"", "/x/*/y", "GET"});
  EXPECT_NE(rejection(a).find("'*'"), std::string::npos);
}

TEST(ApiValidation, BusinessInformationEmailsMustBeAddresses) {
  domain::Api a = valid();
  a.business_information = {" Ann ", " ann@example.com ", "Tom", "tom@ops.example.org"};
  EXPECT_EQ(rejection(a), "");
  normalise_and_validate(a);
  EXPECT_EQ(a.business_information.business_owner, "Ann");
  EXPECT_EQ(a.business_information.business_owner_email, "ann@example.com");
  for (const char* bad : {"ann", "ann@", "@example.com", "ann@example", "a b@example.com", "a@b@example.com",
                          "ann@example..com", "ann@example.com."}) {
    a = valid();
    a.business_information.business_owner_email = bad;
    EXPECT_NE(rejection(a).find("'businessInformation.businessOwnerEmail'"), std::string::npos) << bad;
  }
  a = valid();
  a.business_information.technical_owner_email = "tom<at>example.com";
  EXPECT_NE(rejection(a).find("'businessInformation.technicalOwnerEmail'"), std::string::npos);
}

TEST(ApiValidation, CategoriesAreNamedOnce) {
  domain::Api a = valid();
  a.categories = {"Finance", "finance"};
  EXPECT_NE(rejection(a).find("'categories[1]'"), std::string::npos);
  a.categories = {" "};
  EXPECT_NE(rejection(a).find("'categories[0]'"), std::string::npos);
}

}  // namespace
}  // namespace archway::publisher
