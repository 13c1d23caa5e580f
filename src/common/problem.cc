#include "common/problem.h"

#include <boost/json.hpp>

namespace archway::common {

std::string Problem::to_json() const {
  boost::json::object o;
  o["code"] = code;
  o["message"] = message;
  o["description"] = description;
  if (!extra_json.empty()) {
    boost::system::error_code ec;
    const boost::json::value extra = boost::json::parse(extra_json, ec);
    if (!ec && extra.is_object())
      for (const auto& [k, v] : extra.get_object())
        if (!o.contains(k)) o[k] = v;
  }
  return boost::json::serialize(o);
}

Problem Problem::bad_request(std::string d) { return {400, 400, "Bad Request", std::move(d)}; }
Problem Problem::unauthorized(std::string d) { return {401, 401, "Unauthorized", std::move(d)}; }
Problem Problem::forbidden(std::string d) { return {403, 403, "Forbidden", std::move(d)}; }
Problem Problem::not_found(std::string d) { return {404, 404, "Not Found", std::move(d)}; }
Problem Problem::conflict(std::string d) { return {409, 409, "Conflict", std::move(d)}; }
Problem Problem::too_many_requests(std::string d, std::int64_t retry_after_s) {
  Problem p{429, 429, "Too Many Requests", std::move(d)};
  p.retry_after_s = retry_after_s;
  return p;
}
Problem Problem::internal(std::string d) {
  return {500, 500, "Internal Server Error", std::move(d)};
}

}  // namespace archway::common
