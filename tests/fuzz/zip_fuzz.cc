// libFuzzer target for zip archives (POST /apis/import and /api-products/import take them from
// users): whatever read_zip accepts keeps its bounds and names no path outside the archive, and
// writing the entries it read gives an archive that reads back to the same entries.
// Not part of the CMake build (libFuzzer needs clang); build and run it from the repository root:
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc src/archive/zip.cc \
//     tests/fuzz/zip_fuzz.cc -lzip -o /tmp/zip_fuzz && /tmp/zip_fuzz -max_total_time=90
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "archive/zip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace archway;
  archive::ZipLimits limits;
  limits.max_entries = 64;
  limits.max_total_bytes = 1 << 20;
  const archive::ZipReadResult r =
      archive::read_zip(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (!r.ok()) {
    if (!r.entries.empty()) __builtin_trap();
    return 0;
  }
  std::size_t total = 0;
  for (const auto& e : r.entries) {
    if (!archive::safe_entry_name(e.name)) __builtin_trap();
    total += e.data.size();
  }
  if (r.entries.size() > limits.max_entries || total > limits.max_total_bytes) __builtin_trap();
  const archive::ZipReadResult back = archive::read_zip(archive::write_zip(r.entries), limits);
  if (!back.ok() || back.entries.size() != r.entries.size()) __builtin_trap();
  for (std::size_t i = 0; i < r.entries.size(); ++i)
    if (back.entries[i].name != r.entries[i].name || back.entries[i].data != r.entries[i].data) __builtin_trap();
  return 0;
}
