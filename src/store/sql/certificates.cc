// Endpoint and client certificates, over the SQL layer (see store/certificate_store.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "domain/lifecycle.h"
#include "domain/mediation_json.h"
#include "domain/policy_json.h"
#include "store/sql/aggregates.h"
#include "store/sql/records.h"

namespace archway::store {

using sql::run_unique;

using namespace records;

void SqlCertificateStore::add_endpoint_certificate(const domain::EndpointCertificate& c) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    Stmt s = conn.prepare(
        "INSERT INTO endpoint_certificates (alias, endpoint, certificate, created_time) VALUES "
        "(?,?,?,?)");
    s.bind(1, c.alias).bind(2, c.endpoint).bind(3, c.pem).bind(4, c.created_time);
    run_unique(s, fmt::format("A certificate with alias '{}' already exists", c.alias));
    return tx.append_change("certificate.changed", c.alias, "{}");
  });
}

std::vector<domain::EndpointCertificate> SqlCertificateStore::list_endpoint_certificates() {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::EndpointCertificate> {
    return all_rows(conn.prepare(std::string(kEndpointCertColumns) + " ORDER BY alias"),
                    endpoint_cert_from);
  });
}

std::optional<domain::EndpointCertificate> SqlCertificateStore::get_endpoint_certificate(
    std::string_view alias) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::EndpointCertificate> {
    return first_row(
        conn.prepare(std::string(kEndpointCertColumns) + " WHERE alias = ?").bind(1, alias),
        endpoint_cert_from);
  });
}

bool SqlCertificateStore::update_endpoint_certificate(std::string_view alias,
                                                      std::string_view pem) {
  bool found = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare("UPDATE endpoint_certificates SET certificate = ? WHERE alias = ?")
        .bind(1, pem)
        .bind(2, alias)
        .run();
    if (!(found = conn.changes() > 0)) return 0;
    return tx.append_change("certificate.changed", alias, "{}");
  });
  return found;
}

bool SqlCertificateStore::delete_endpoint_certificate(std::string_view alias) {
  bool found = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM endpoint_certificates WHERE alias = ?").bind(1, alias).run();
    if (!(found = conn.changes() > 0)) return 0;
    return tx.append_change("certificate.changed", alias, "{}");
  });
  return found;
}

void SqlCertificateStore::add_client_certificate(const domain::ClientCertificate& c) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    Stmt s = conn.prepare(
        "INSERT INTO api_client_certificates (api_id, key_type, alias, tier, certificate, "
        "created_time) "
        "VALUES (?,?,?,?,?,?)");
    s.bind(1, c.api_id)
        .bind(2, c.key_type)
        .bind(3, c.alias)
        .bind(4, c.tier)
        .bind(5, c.pem)
        .bind(6, c.created_time);
    run_unique(
        s, fmt::format("A client certificate with alias '{}' already exists for this API's {} keys",
                       c.alias, c.key_type));
    return tx.append_change("certificate.changed", c.api_id, "{}");
  });
}

std::vector<domain::ClientCertificate> SqlCertificateStore::list_client_certificates(
    std::string_view api_id, std::string_view key_type) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::ClientCertificate> {
    return all_rows(
        conn.prepare(std::string(kClientCertColumns) +
                     " WHERE api_id = ? AND (? = '' OR key_type = ?) ORDER BY created_time, alias")
            .bind(1, api_id)
            .bind(2, key_type)
            .bind(3, key_type),
        client_cert_from);
  });
}

std::optional<domain::ClientCertificate> SqlCertificateStore::get_client_certificate(
    std::string_view api_id, std::string_view key_type, std::string_view alias) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::ClientCertificate> {
    return first_row(conn.prepare(std::string(kClientCertColumns) +
                                  " WHERE api_id = ? AND key_type = ? AND alias = ?")
                         .bind(1, api_id)
                         .bind(2, key_type)
                         .bind(3, alias),
                     client_cert_from);
  });
}

bool SqlCertificateStore::update_client_certificate(const domain::ClientCertificate& c) {
  bool found = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare(
            "UPDATE api_client_certificates SET certificate = CASE WHEN ? = '' THEN certificate "
            "ELSE ? END, "
            "tier = CASE WHEN ? = '' THEN tier ELSE ? END WHERE api_id = ? AND key_type = ? AND "
            "alias = ?")
        .bind(1, c.pem)
        .bind(2, c.pem)
        .bind(3, c.tier)
        .bind(4, c.tier)
        .bind(5, c.api_id)
        .bind(6, c.key_type)
        .bind(7, c.alias)
        .run();
    if (!(found = conn.changes() > 0)) return 0;
    return tx.append_change("certificate.changed", c.api_id, "{}");
  });
  return found;
}

bool SqlCertificateStore::delete_client_certificate(std::string_view api_id,
                                                    std::string_view key_type,
                                                    std::string_view alias) {
  bool found = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare(
            "DELETE FROM api_client_certificates WHERE api_id = ? AND key_type = ? AND alias = ?")
        .bind(1, api_id)
        .bind(2, key_type)
        .bind(3, alias)
        .run();
    if (!(found = conn.changes() > 0)) return 0;
    return tx.append_change("certificate.changed", api_id, "{}");
  });
  return found;
}

}  // namespace archway::store
