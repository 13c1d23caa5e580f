// libFuzzer target for OpenAPI definitions (import, validate and PUT /swagger take them from users
// or from URLs): load, then extract and export whatever loads, then the YAML rendering of the
// export must load back to the same document.
// Not part of the CMake build (libFuzzer needs clang); build and run it from the repository root:
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc src/openapi/*.cc \
//     tests/fuzz/openapi_fuzz.cc -lboost_json -lboost_url -lfmt -lyaml-cpp -o /tmp/openapi_fuzz \
//     && /tmp/openapi_fuzz -max_total_time=90
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "openapi/openapi.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace archway;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  openapi::LoadResult r = openapi::load(text);
  if (!r.document) return 0;
  openapi::Extracted x = openapi::extract(*r.document);
  const boost::json::object doc = openapi::export_definition(x.api, {{"https://gw:8243"}, "https://km/token"});
  openapi::LoadResult back = openapi::load(openapi::to_yaml(doc));
  if (!back.document || back.document->root != boost::json::value(doc)) __builtin_trap();
  return 0;
}
