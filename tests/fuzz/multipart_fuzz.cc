// libFuzzer target for multipart/form-data bodies (src/http/multipart): the Publisher's uploads
// (OpenAPI files, documents, thumbnails, project archives) and the Service Catalog's registrations
// arrive as such from users. The input's first line is the Content-Type (so the boundary is the
// fuzzer's choice), the rest the body. form_parts either refuses with common::ProblemError or
// returns parts whose bodies lie inside the request body, each with a non-empty name; find_part
// finds the first of a name; and the parts written out again with the same boundary parse back
// to the same names, file names, types and bytes.
// Built and run by `make fuzz` (scripts/fuzz.sh); seeds in tests/corpus/multipart.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/problem.h"
#include "http/multipart.h"
#include "http/rest_router.h"

namespace {

using namespace archway;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

bool same(const std::vector<http::FormPart>& a, const std::vector<http::FormPart>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].filename != b[i].filename ||
        a[i].content_type != b[i].content_type || a[i].body != b[i].body)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  http::RestRequest req;
  req.headers.emplace_back("content-type", std::string(in.substr(0, nl)));
  req.body = std::string(in.substr(nl + 1));
  std::vector<http::FormPart> parts;
  try {
    parts = http::form_parts(req);
  } catch (const common::ProblemError& e) {
    check(e.problem().status == 400 || e.problem().status == 415);
    return 0;
  }
  const std::string_view body = req.body;
  for (const auto& p : parts) {
    check(!p.name.empty());
    check(p.body.empty() || (p.body.data() >= body.data() &&
                             p.body.data() + p.body.size() <= body.data() + body.size()));
    const http::FormPart* first = http::find_part(parts, p.name);
    check(first && first->name == p.name && first <= &p);
  }
  const std::string boundary = *http::header_param(req.header("content-type"), "boundary");
  if (boundary.find_first_of("\r\n") != std::string::npos) return 0;
  std::string again;
  for (const auto& p : parts) {
    again += "--" + boundary + "\r\nContent-Disposition: form-data; name=" + quoted(p.name);
    if (!p.filename.empty()) again += "; filename=" + quoted(p.filename);
    again += "\r\nContent-Type: " + p.content_type + "\r\n\r\n";
    again.append(p.body);
    again += "\r\n";
  }
  again += "--" + boundary + "--\r\n";
  try {
    check(same(http::parse_multipart("multipart/form-data; boundary=" + quoted(boundary), again), parts));
  } catch (const common::ProblemError&) {
    check(false);
  }
  return 0;
}
