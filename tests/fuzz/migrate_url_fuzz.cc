// libFuzzer target for `archway migrate --from/--to` (store/copy/endpoint.h): parse_endpoint takes
// any text, and what it names in messages never holds a password. libpq is the judge of what a
// URL's password is: whenever PQconninfoParse reads a password from the URL, it reads none (or
// "***") from the URL as displayed; the displayed form of a URL without one is the URL itself, and
// a refusal's message holds no password either.
// Seeds: tests/corpus/migrate_url. Built and run by scripts/fuzz.sh (`make fuzz`).
#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/copy/endpoint.h"

namespace {

// The password libpq reads from `conninfo`; nullopt when libpq refuses it.
std::optional<std::string> password_of(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (!options) {
    PQfreemem(error);
    return std::nullopt;
  }
  std::string password;
  for (PQconninfoOption* o = options; o->keyword; ++o)
    if (std::string_view(o->keyword) == "password" && o->val) password = o->val;
  PQconninfoFree(options);
  return password;
}

std::size_t occurrences(const std::string& s, const std::string& part) {
  std::size_t n = 0;
  for (auto at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace archway::store::copy;
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find('\0') != std::string::npos) return 0;  // argv holds no NUL
  std::string error;
  const auto endpoint = parse_endpoint(text, &error);
  const auto password = password_of(text);
  if (!endpoint) {
    if (error.empty()) __builtin_trap();
    // The message may hold the password's letters by chance ("gres" in "postgresql"): no more
    // often than the same refusal of a text holding none.
    if (password && !password->empty()) {
      std::string reference;
      (void)parse_endpoint(text.find('=') != std::string::npos ? "=" : "", &reference);
      if (occurrences(error, *password) > occurrences(reference, *password)) __builtin_trap();
    }
    return 0;
  }
  if (endpoint->location.empty()) __builtin_trap();
  const std::string shown = endpoint->display();
  if (endpoint->kind == Endpoint::Kind::kSqlite) {
    if (shown != "sqlite:" + endpoint->location) __builtin_trap();
    return 0;
  }
  if (endpoint->location != text) __builtin_trap();
  if (!password) return 0;  // libpq would refuse to connect to it
  if (password->empty()) {
    if (shown != text) __builtin_trap();
    return 0;
  }
  const auto shown_password = password_of(shown);
  if (shown_password && !shown_password->empty() && *shown_password != "***") __builtin_trap();
  return 0;
}
