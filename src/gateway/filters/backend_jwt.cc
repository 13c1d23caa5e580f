// enableBackendJWT: the backend learns who called through an X-JWT-Assertion the gateway signs
// (its key set is on the gateway's /.well-known/jwks.json). The backend trusts that header, so a
// caller's own is always removed; a token-authenticated call gets the gateway's.
#include <chrono>

#include "gateway/filters/filters.h"
#include "gateway/internal/worker.h"

namespace archway::gateway::filters {

namespace {

class BackendJwt final : public Filter {
 public:
  std::string_view name() const override { return "backend_jwt"; }

  Flow on_request(Call& call) const override {
    call.request.erase(std::string_view("X-JWT-Assertion"));
    const AuthDecision& d = call.auth;
    if (call.op.secured && !call.by_basic && d.token && d.application) {
      internal::Worker& w = call.worker;
      const std::int64_t now_s =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
      call.request.set("X-JWT-Assertion", w.local<BackendJwtCache>().get(*w.backend_jwt_signer, call.api,
                                                                          *d.application, *d.token, now_s));
    }
    return Flow::kNext;
  }
};

}  // namespace

const Filter& backend_jwt() {
  static const BackendJwt instance;
  return instance;
}

}  // namespace archway::gateway::filters
