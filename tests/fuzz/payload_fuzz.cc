// libFuzzer target for the payload converters (jsonToXML, xmlToJson) and jsonTransform programs:
// untrusted request and response bodies go through them. The first byte picks the converter.
// Not part of the CMake build (libFuzzer needs clang); build and run it from the repository root:
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc src/gateway/xml_json.cc \
//     src/gateway/payload.cc src/domain/json_transform.cc src/common/problem.cc tests/fuzz/payload_fuzz.cc \
//     -lboost_json -lpugixml -lfmt -o /tmp/payload_fuzz && /tmp/payload_fuzz -max_total_time=90
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/problem.h"
#include "gateway/payload.h"
#include "gateway/xml_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace archway;
  switch (data[0] % 4) {
    case 0: {
      auto r = gateway::json_to_xml(input, "jsonObject");
      // Whatever jsonToXML writes must read back as XML.
      if (r.ok() && !gateway::xml_to_json(r.body).ok()) __builtin_trap();
      break;
    }
    case 1: {
      // Whatever xmlToJson writes must be JSON the gateway's JSON reader takes (the next payload
      // step): within its depth, counted on the JSON written.
      auto r = gateway::xml_to_json(input);
      boost::json::monotonic_resource mr;
      std::string error;
      if (r.ok() && !gateway::parse_json_payload(r.body, &mr, error)) __builtin_trap();
      break;
    }
    case 2:
      try {
        auto ops = domain::parse_json_transform(input, "operations");
        boost::json::value doc = boost::json::parse(R"({"a":{"b":[1,2,{"c":3}]},"d":"e"})");
        gateway::apply_json_transform(ops, doc);
      } catch (const common::ProblemError&) {
      }
      break;
    default: {
      std::string content_type;
      std::vector<gateway::BodyStep> steps(2);
      steps[0].kind = gateway::BodyStep::Kind::kXmlToJson;
      steps[1].kind = gateway::BodyStep::Kind::kJsonToXml;
      gateway::run_body_steps(steps, input, content_type);
    }
  }
  return 0;
}
