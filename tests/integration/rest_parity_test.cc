// docs/rest-parity.md against the routes the server registers: a served operation must be a route,
// every route under a product base path must be in the inventory, and the header's counts must be
// those of the tables, so the document cannot drift from the code.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

// "/apis/{apiId}" and "/apis/{id}" are the same route.
std::string normalise(const std::string& path) { return std::regex_replace(path, std::regex(R"(\{[^}]*\})"), "{}"); }

struct Row {
  std::string base, method, path, status;
};

struct Inventory {
  std::vector<Row> rows;
  std::vector<std::string> bases;
  std::map<std::string, std::pair<int, int>> header;  // title -> (operations, served)
  std::map<std::string, std::string> title_of;        // base -> title
};

Inventory read_inventory() {
  std::ifstream in(std::string(ARCHWAY_SOURCE_DIR) + "/docs/rest-parity.md");
  EXPECT_TRUE(in.good()) << "docs/rest-parity.md is missing";
  Inventory inv;
  const std::regex section(R"(^## (.+) — `(/api/[^`]+)`)");
  const std::regex row(R"(^\| `(GET|POST|PUT|DELETE|PATCH|HEAD) (/[^`]*)` \| (served|not served|addition) \|)");
  const std::regex head(R"(^\| ([A-Za-z][^|]*[a-z0-9]) \| (\d+) \| (\d+) \| (\d+) \|)");
  std::string base, line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, section)) {
      base = m[2];
      inv.bases.push_back(base);
      inv.title_of[base] = m[1];
    } else if (std::regex_search(line, m, row)) {
      EXPECT_FALSE(base.empty()) << "a row before any API section: " << line;
      inv.rows.push_back({base, m[1], m[2], m[3]});
    } else if (base.empty() && std::regex_search(line, m, head)) {
      inv.header[m[1]] = {std::stoi(m[2]), std::stoi(m[4])};
    }
  }
  return inv;
}

class RestParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = make_temp_dir();
    routes_file_ = new std::string(dir + "/routes.txt");
    ServerOptions o;
    o.extra_args = {"--routes-file", *routes_file_};
    server_ = new ServerProcess(o);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete routes_file_;
    server_ = nullptr;
    routes_file_ = nullptr;
  }
  static std::set<std::string> routes() {
    std::set<std::string> out;
    for (const auto& [method, path] : read_routes_file(*routes_file_)) out.insert(method + " " + normalise(path));
    return out;
  }
  static ServerProcess* server_;
  static std::string* routes_file_;
};
ServerProcess* RestParity::server_ = nullptr;
std::string* RestParity::routes_file_ = nullptr;

TEST_F(RestParity, EveryServedOperationIsARoute) {
  const auto have = routes();
  ASSERT_FALSE(have.empty());
  const Inventory inv = read_inventory();
  ASSERT_EQ(inv.bases.size(), 4u);
  for (const auto& r : inv.rows) {
    if (r.status == "not served") continue;
    EXPECT_TRUE(have.count(r.method + " " + normalise(r.base + r.path)))
        << r.method << " " << r.base << r.path << " is marked " << r.status << " but no route serves it";
  }
}

TEST_F(RestParity, EveryRouteUnderAProductBaseIsInTheInventory) {
  const Inventory inv = read_inventory();
  std::set<std::string> listed;
  for (const auto& r : inv.rows)
    if (r.status != "not served") listed.insert(r.method + " " + normalise(r.base + r.path));
  for (const auto& route : routes()) {
    const std::string path = route.substr(route.find(' ') + 1);
    for (const auto& base : inv.bases) {
      if (!path.starts_with(base + "/")) continue;
      EXPECT_TRUE(listed.count(route)) << route << " is served but docs/rest-parity.md does not list it "
                                       << "(as served, or under \"Archway additions\")";
    }
  }
}

TEST_F(RestParity, HeaderCountsAreThoseOfTheTables) {
  const Inventory inv = read_inventory();
  std::map<std::string, std::pair<int, int>> counted;
  for (const auto& r : inv.rows) {
    if (r.status == "addition") continue;
    auto& c = counted[inv.title_of.at(r.base)];
    ++c.first;
    if (r.status == "served") ++c.second;
  }
  for (const auto& [title, counts] : counted) {
    ASSERT_TRUE(inv.header.count(title)) << "no header row for " << title;
    EXPECT_EQ(inv.header.at(title), counts) << title << ": header (operations, served) disagrees with its table";
  }
}

}  // namespace
}  // namespace archway::testing
