#pragma once
// Problem: the one error shape every REST and gateway error leaves as:
// {"code": <int>, "message": "...", "description": "..."} with an HTTP status.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace archway::common {

struct Problem {
  int status = 500;         // HTTP status
  std::int64_t code = 500;  // product error code (the HTTP status unless a product code applies)
  std::string message;      // short, stable text
  std::string description;  // what exactly went wrong, naming the field or value
  // Further members of the body as a serialized JSON object ("{\"location\":\"query.limit\"}"); empty: none.
  std::string extra_json;
  std::int64_t retry_after_s = 0;  // > 0: sent as Retry-After (429, 503)

  std::string to_json() const;

  static Problem bad_request(std::string description);
  static Problem unauthorized(std::string description);
  static Problem forbidden(std::string description);
  static Problem not_found(std::string description);
  static Problem conflict(std::string description);
  static Problem too_many_requests(std::string description, std::int64_t retry_after_s);
  static Problem internal(std::string description);
};

// Thrown on the management plane; the REST server turns it into a JSON problem response.
class ProblemError : public std::runtime_error {
 public:
  explicit ProblemError(Problem problem)
      : std::runtime_error(problem.description), problem_(std::move(problem)) {}
  const Problem& problem() const { return problem_; }

 private:
  Problem problem_;
};

}  // namespace archway::common
