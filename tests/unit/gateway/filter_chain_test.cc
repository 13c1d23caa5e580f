// Each operation's filter chain is composed when its API is compiled, with only what it needs.
#include <gtest/gtest.h>

#include "gateway/filter.h"
#include "gateway/policies/policies.h"
#include "gateway/runtime_snapshot.h"

namespace archway::gateway {
namespace {

domain::DeployedApi api_with(std::vector<domain::Operation> ops) {
  domain::DeployedApi d;
  d.api_id = "A";
  d.api.name = "A";
  d.api.context = "/a";
  d.api.version = "1.0";
  d.api.endpoint_config.production = domain::Endpoint{"http://h:1", 0};
  d.api.operations = std::move(ops);
  return d;
}

domain::Operation op(std::string target, std::string auth = "Application & Application User") {
  domain::Operation o;
  o.target = std::move(target);
  o.verb = "GET";
  o.auth_type = std::move(auth);
  return o;
}

// The names of each operation's filters, "a,b,c".
std::vector<std::string> chains(const domain::DeployedApi& d) {
  SnapshotSettings settings;
  settings.open_secret = [](std::string_view sealed) { return std::optional<std::string>(sealed); };
  auto snap = RuntimeSnapshot::build({d}, {}, settings, 1);
  EXPECT_EQ(snap->apis().size(), 1u);
  std::vector<std::string> out;
  for (const auto& o : snap->apis()[0]->operations) {
    std::string names;
    for (const auto& f : o.filters) names.append(names.empty() ? "" : ",").append(f->name());
    out.push_back(names);
  }
  return out;
}

TEST(FilterChain, AnUnsecuredOperationWithoutPoliciesOnlyCountsTraffic) {
  EXPECT_EQ(chains(api_with({op("/open", "None")})), std::vector<std::string>{"throttle"});
}

TEST(FilterChain, ASecuredOperationAuthenticatesBeforeItIsCounted) {
  EXPECT_EQ(chains(api_with({op("/secure")})), std::vector<std::string>{"token_auth,throttle"});
  auto basic = api_with({op("/secure")});
  basic.api.security_scheme = {"basic_auth"};
  EXPECT_EQ(chains(basic), std::vector<std::string>{"basic_auth,throttle"});
  auto both = api_with({op("/secure")});
  both.api.security_scheme = {"oauth2", "basic_auth"};
  both.api.enable_backend_jwt = true;
  EXPECT_EQ(chains(both), std::vector<std::string>{"basic_auth,token_auth,backend_jwt,throttle"});
}

TEST(FilterChain, PoliciesAndCachingAddTheirFiltersInOrder) {
  auto o = op("/x", "None");
  o.policies.request.push_back({"addHeader", "v1", "", {{"headerName", "X-A"}, {"headerValue", "1"}}});
  o.response_caching = true;
  o.cache_timeout_s = 60;
  auto mocked = op("/m", "None");
  mocked.policies.request.push_back({"mockResponse", "v1", "", {{"body", "{}"}, {"statusCode", "200"}}});
  mocked.policies.request.push_back({"addHeader", "v1", "", {{"headerName", "X-A"}, {"headerValue", "1"}}});
  EXPECT_EQ(chains(api_with({o, mocked})),
            (std::vector<std::string>{"throttle,header_mediation,response_cache,response_cache_store", "throttle,mock"}));
}

TEST(FilterChain, PayloadPoliciesAndBackendCredentialsAddTheirFilters) {
  auto transformed = op("/x", "None");
  transformed.policies.request.push_back({"jsonToXML", "v1", "", {}});
  auto d = api_with({transformed, op("/y", "None")});
  domain::EndpointSecurity basic;
  basic.enabled = true;
  basic.type = "BASIC";
  basic.username = "u";
  basic.password = "p";
  d.api.endpoint_config.production_security = basic;
  EXPECT_EQ(chains(d), (std::vector<std::string>{"throttle,payload_mediation,endpoint_security",
                                                 "throttle,endpoint_security"}));
}

TEST(FilterChain, ResponseHeaderPoliciesAndCorsWorkOnTheResponseHeader) {
  auto o = op("/x", "None");
  o.policies.response.push_back({"removeHeader", "v1", "", {{"headerName", "Server"}}});
  auto d = api_with({o});
  d.api.cors.enabled = true;
  d.api.cors.allow_origins = {"https://app.example"};
  EXPECT_EQ(chains(d), std::vector<std::string>{"throttle,header_mediation,cors"});
}

TEST(FilterChain, ABlockedApiRunsNothingButItsRefusal) {
  auto d = api_with({op("/secure"), op("/open", "None")});
  d.api.lifecycle_status = "BLOCKED";
  EXPECT_EQ(chains(d), (std::vector<std::string>{"blocked_api", "blocked_api"}));
}

TEST(PolicyRegistry, EveryPolicyThePublisherOffersIsCompiledByTheGateway) {
  for (const auto& spec : domain::builtin_policies())
    EXPECT_NE(policies::find(spec.name), nullptr) << spec.name << " has no compile function in gateway/policies";
  EXPECT_EQ(policies::find("noSuchPolicy"), nullptr);
}

TEST(PolicyRegistry, AFlowRunsTheApisPoliciesBeforeTheOperationsInOrder) {
  const CompiledFlow f = compile_flow({{"setHeader", "v1", "", {{"headerName", "X-A"}, {"headerValue", "api"}}}},
                                      {{"removeHeader", "v1", "", {{"headerName", "X-A"}}},
                                       {"addHeader", "v1", "", {{"headerName", "X-B"}, {"headerValue", "op"}}},
                                       {"noSuchPolicy", "v1", "", {}}});
  ASSERT_EQ(f.headers.size(), 3u);
  EXPECT_EQ(f.headers[0].kind, CompiledFlow::HeaderOp::Kind::kSet);
  EXPECT_EQ(f.headers[1].kind, CompiledFlow::HeaderOp::Kind::kRemove);
  EXPECT_EQ(f.headers[2].value, "op");
}

}  // namespace
}  // namespace archway::gateway
