#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "crypto/random.h"
#include "webui/web_assets.h"

namespace archway::webui {

namespace fs = std::filesystem;

LoadedWebAssets load_web_assets(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("web.dir '" + dir.string() + "' is not a directory");
  LoadedWebAssets out;
  auto read = [&out](const fs::path& p) -> std::string_view {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    out.bytes.push_back(std::make_unique<std::string>(ss.str()));
    return *out.bytes.back();
  };
  std::vector<std::string> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), dir).generic_string();
    const std::string name = e.path().filename().string();
    if (name.starts_with(".") || rel.ends_with(".gz") || rel.ends_with(".br")) continue;
    paths.push_back(rel);
  }
  std::sort(paths.begin(), paths.end());
  out.bytes.reserve(paths.size() * 3 + 1);
  for (const auto& rel : paths) {
    WebAsset a;
    a.body = read(dir / rel);
    if (fs::exists(dir / (rel + ".gz"))) a.gzip = read(dir / (rel + ".gz"));
    if (fs::exists(dir / (rel + ".br"))) a.brotli = read(dir / (rel + ".br"));
    out.bytes.push_back(std::make_unique<std::string>(rel));
    a.path = *out.bytes.back();
    out.bytes.push_back(std::make_unique<std::string>("\"" + crypto::sha256_hex(a.body).substr(0, 20) + "\""));
    a.etag = *out.bytes.back();
    out.table.push_back(a);
  }
  return out;
}

}  // namespace archway::webui
