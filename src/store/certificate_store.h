#pragma once
// Certificates gateways use: endpoint certificates (to trust backends) and the client
// certificates of APIs (mutual TLS). One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/certificate.h"

namespace archway::store {

class CertificateStore {
 public:
  virtual ~CertificateStore() = default;

  // Endpoint certificates (aliases unique: 409) and an API's client certificates (aliases unique per
  // API and key type: 409). Every write appends certificate.changed, so gateways take them at once.
  // Updates and deletes return false when there is no such certificate.
  virtual void add_endpoint_certificate(const domain::EndpointCertificate& cert) = 0;
  virtual std::vector<domain::EndpointCertificate> list_endpoint_certificates() = 0;  // by alias
  virtual std::optional<domain::EndpointCertificate> get_endpoint_certificate(std::string_view alias) = 0;
  virtual bool update_endpoint_certificate(std::string_view alias, std::string_view pem) = 0;
  virtual bool delete_endpoint_certificate(std::string_view alias) = 0;
  virtual void add_client_certificate(const domain::ClientCertificate& cert) = 0;
  virtual std::vector<domain::ClientCertificate> list_client_certificates(std::string_view api_id,
                                                                          std::string_view key_type) = 0;
  virtual std::optional<domain::ClientCertificate> get_client_certificate(std::string_view api_id,
                                                                          std::string_view key_type,
                                                                          std::string_view alias) = 0;
  // Replaces the certificate and the tier (each only when not empty).
  virtual bool update_client_certificate(const domain::ClientCertificate& cert) = 0;
  virtual bool delete_client_certificate(std::string_view api_id, std::string_view key_type,
                                         std::string_view alias) = 0;
};

}  // namespace archway::store
