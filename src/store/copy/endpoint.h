#pragma once
// One end of `archway migrate` (store_copy.h) as the command line names it, and how it is shown in
// messages: a PostgreSQL URL's password (in its user part or a `password` query parameter) never
// reaches the terminal or a log.
#include <optional>
#include <string>
#include <string_view>

namespace archway::store::copy {

// `sqlite:PATH` (a database file, or a data directory holding archway.db) or a `postgresql://`
// (`postgres://`) URL.
struct Endpoint {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;
  std::string location;  // the file path, or the URL
  // How to name it in messages: the path, or the URL without its password.
  std::string display() const;
};

// Parses an endpoint; nullopt (and `error` says why) for any other scheme.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::string* error);

// `url` with every password in it (user:PASSWORD@, ?password=PASSWORD, the parameter's name
// percent-encoded or not) replaced by "***"; anything else unchanged.
std::string redact_url(std::string_view url);

}  // namespace archway::store::copy
