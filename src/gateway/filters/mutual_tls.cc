// Mutual SSL for APIs whose securityScheme has mutualssl: the certificate the caller presented in
// the TLS handshake (its fingerprint, taken once per connection) must be one uploaded for the API.
// A match authenticates the caller with the certificate's key type and tier (throttle.cc), and
// unless the API also makes its other schemes mandatory, the token and Basic filters stand aside.
// Without a match, a mandatory mutual SSL answers 401; an optional one leaves the decision to them.
// Plain HTTP never carries a certificate. Lookups only: nothing is allocated per request.
#include "gateway/filters/filters.h"

namespace archway::gateway::filters {

namespace {

class MutualTls final : public Filter {
 public:
  std::string_view name() const override { return "mutual_tls"; }

  Flow on_request(Call& call) const override {
    const ClientCertRuntime* cert =
        call.snapshot.client_certificate(call.client_certificate, call.api.id);
    if (cert && !call.snapshot.serves_key_type(cert->sandbox)) cert = nullptr;
    const EndpointGroup* endpoint = cert && cert->sandbox ? call.op.sandbox : call.op.production;
    if (cert && !endpoint)
      return answer(
          call, {401, 900901, "Invalid Credentials",
                 "The client certificate is for SANDBOX keys and the API has no sandbox endpoint"});
    if (!cert) {
      if (call.api.mutual_tls_mandatory)
        return answer(call, {401, 900901, "Invalid Credentials",
                             call.client_certificate.empty()
                                 ? "Mutual SSL is required: call over HTTPS presenting a client "
                                   "certificate of this API"
                                 : "The client certificate presented is not one of this API's"});
      return Flow::kNext;
    }
    call.client_cert = cert;
    call.endpoint = endpoint;
    return Flow::kNext;
  }
};

}  // namespace

const Filter& mutual_tls() {
  static const MutualTls instance;
  return instance;
}

}  // namespace archway::gateway::filters
