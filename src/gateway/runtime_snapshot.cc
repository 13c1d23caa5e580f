#include "gateway/runtime_snapshot.h"

#include <fmt/format.h>

namespace archway::gateway {

std::shared_ptr<const RuntimeSnapshot> RuntimeSnapshot::build(const std::vector<domain::DeployedApi>& apis,
                                                              std::uint64_t generation,
                                                              std::vector<std::string>* warnings) {
  auto snap = std::make_shared<RuntimeSnapshot>();
  snap->generation_ = generation;
  auto warn = [&](std::string w) {
    if (warnings) warnings->push_back(std::move(w));
  };
  for (const auto& d : apis) {
    const domain::Api& a = d.api;
    auto rt = std::make_unique<ApiRuntime>();
    rt->id = d.api_id;
    rt->revision_id = d.revision_id;
    rt->name = a.name;
    rt->context = a.context;
    rt->version = a.version;
    if (a.endpoint_config.production) {
      rt->production = domain::parse_backend_url(a.endpoint_config.production->url);
      rt->timeout_ms = a.endpoint_config.production->timeout_ms.value_or(0);
    }
    if (a.endpoint_config.sandbox) rt->sandbox = domain::parse_backend_url(a.endpoint_config.sandbox->url);
    if (!rt->production) {
      warn(fmt::format("API {} {}: no usable production endpoint; not served", a.name, a.version));
      continue;
    }
    rt->production_key = fmt::format("{}://{}:{}", rt->production->tls ? "https" : "http",
                                     rt->production->host, rt->production->port);
    rt->production_authority = rt->production->authority();
    rt->operations.reserve(a.operations.size());
    for (const auto& op : a.operations)
      rt->operations.push_back({op.verb, op.target, op.auth_type, op.throttling_policy});
    const std::string versioned = a.context + "/" + a.version;
    for (const auto& op : rt->operations) {
      if (!snap->router_.add(versioned, op.target, op.verb, rt.get(), &op))
        warn(fmt::format("API {} {}: {} {}{} clashes with another API's route", a.name, a.version, op.verb,
                         versioned, op.target));
      if (a.is_default_version && !snap->router_.add(a.context, op.target, op.verb, rt.get(), &op))
        warn(fmt::format("API {} {}: default-version route {} {}{} clashes with another API's route", a.name,
                         a.version, op.verb, a.context, op.target));
    }
    snap->apis_.push_back(std::move(rt));
  }
  return snap;
}

}  // namespace archway::gateway
