// Filter defaults and the composition of an operation's chain.
#include "gateway/filter.h"
#include "gateway/filters/filters.h"

namespace archway::gateway {

Flow Filter::on_request(Call&) const { return Flow::kNext; }

boost::asio::awaitable<Flow> Filter::on_request_async(Call& call) const { co_return on_request(call); }

Flow Filter::on_request_body(Call&, std::string&, std::string&) const { return Flow::kNext; }

boost::asio::awaitable<Flow> Filter::on_forward(Call&) const { co_return Flow::kNext; }

void Filter::on_response(Call&, ResponseHeader&) const {}

Flow Filter::on_response_body(Call&, ResponseHeader&, std::string&, std::string&) const { return Flow::kNext; }

void Filter::on_complete(Call&) const {}

bool chain_reads_request_body(const Call& call) {
  for (const auto& f : call.op.filters)
    if (f->reads_request_body(call)) return true;
  return false;
}

bool chain_reads_response_body(const Call& call, const ResponseHeader& response, bool complete) {
  for (const auto& f : call.op.filters)
    if (f->reads_response_body(call, response, complete)) return true;
  return false;
}

namespace {

// The filters are static: their shared_ptr owns nothing.
std::shared_ptr<const Filter> use(const Filter& f) { return std::shared_ptr<const Filter>(std::shared_ptr<const Filter>(), &f); }

}  // namespace

std::vector<std::shared_ptr<const Filter>> compose_chain(const ApiRuntime& api, const OperationRuntime& op) {
  std::vector<std::shared_ptr<const Filter>> chain;
  if (api.blocked) {  // refused before credentials are even looked at
    chain.push_back(use(filters::blocked_api()));
    return chain;
  }
  if (op.secured) {
    if (api.mutual_tls) chain.push_back(use(filters::mutual_tls()));
    if (api.basic_auth) chain.push_back(use(filters::basic_auth()));
    // Basic alone as the scheme: the Basic filter decides every request.
    if (api.oauth2 || api.api_key || (!api.basic_auth && !api.mutual_tls)) chain.push_back(use(filters::token_auth()));
  }
  if (api.backend_jwt) chain.push_back(use(filters::backend_jwt()));
  chain.push_back(use(filters::throttle()));  // every request is counted (the Unauthenticated tier too)
  if (op.validator) chain.push_back(use(filters::schema_validation()));
  if (op.request.mock) {
    chain.push_back(use(filters::mock()));
    return chain;  // nothing after a mock runs
  }
  if (!op.request.headers.empty() || !op.request.method.empty() || !op.response.headers.empty())
    chain.push_back(use(filters::header_mediation()));
  if (api.cors.enabled) chain.push_back(use(filters::cors()));
  if (op.cache_ttl_ms > 0) chain.push_back(use(filters::response_cache()));
  if (!op.request.body.empty() || !op.response.body.empty()) chain.push_back(use(filters::payload_mediation()));
  const auto secured_backend = [](const EndpointGroup* g) {
    return g && (!g->credentials.header_name.empty() || g->credentials.oauth || g->credentials.digest);
  };
  if (secured_backend(op.production) || secured_backend(op.sandbox))
    chain.push_back(use(filters::endpoint_security()));
  // Last: it keeps the response as the client gets it, after every other filter changed it.
  if (op.cache_ttl_ms > 0) chain.push_back(use(filters::response_cache_store()));
  return chain;
}

}  // namespace archway::gateway
