#include "archive/zip.h"

#include <gtest/gtest.h>

#include <cstring>

namespace archway::archive {
namespace {

TEST(Zip, WrittenArchiveReadsBackEveryEntryByteForByte) {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  const std::vector<ZipEntry> in{{"Pets-1.0.0/api.yaml", "type: api\n"},
                                 {"Pets-1.0.0/Image/icon.png", binary},
                                 {"Pets-1.0.0/Docs/Guide/Guide", std::string(100000, 'x')},
                                 {"Pets-1.0.0/empty.txt", ""}};
  const std::string zip = write_zip(in);
  ASSERT_EQ(zip.substr(0, 2), "PK");
  EXPECT_LT(zip.size(), 10000u);  // deflated: 100 KB of 'x' shrinks
  const ZipReadResult r = read_zip(zip);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.entries.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(r.entries[i].name, in[i].name);
    EXPECT_EQ(r.entries[i].data, in[i].data);
  }
}

TEST(Zip, EmptyArchiveIsWrittenAndReadBack) {
  const ZipReadResult r = read_zip(write_zip({}));
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.entries.empty());
}

TEST(Zip, TextThatIsNotAZipIsRefusedWithAReason) {
  const ZipReadResult r = read_zip("type: api\nversion: v4.2.0\n");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("not a zip"), std::string::npos) << r.error;
  EXPECT_FALSE(read_zip("").ok());
}

TEST(Zip, TruncatedArchiveIsRefused) {
  const std::string zip = write_zip({{"a/b.txt", std::string(5000, 'q')}});
  EXPECT_FALSE(read_zip(std::string_view(zip).substr(0, zip.size() / 2)).ok());
}

TEST(Zip, EntryNamesLeavingTheRootAreRefused) {
  for (const char* name : {"../evil.txt", "a/../../evil.txt", "/etc/passwd", "a\\..\\evil", "C:/evil", "a//b",
                           "./a"}) {
    const ZipReadResult r = read_zip(write_zip({{"ok/api.yaml", "x"}, {name, "payload"}}));
    EXPECT_FALSE(r.ok()) << name;
    EXPECT_TRUE(r.entries.empty()) << name;
    EXPECT_NE(r.error.find("unsafe name"), std::string::npos) << r.error;
  }
}

TEST(Zip, SafeNamesAreAccepted) {
  EXPECT_TRUE(safe_entry_name("Pets-1.0.0/Docs/How to/How to"));
  EXPECT_TRUE(safe_entry_name("Pets-1.0.0/Docs/"));
  EXPECT_TRUE(safe_entry_name("a..b/c"));
  EXPECT_FALSE(safe_entry_name(""));
  EXPECT_FALSE(safe_entry_name(".."));
}

TEST(Zip, ArchiveExpandingBeyondTheBoundIsRefused) {
  const std::string bomb = write_zip({{"big.bin", std::string(2 * 1024 * 1024, '\0')}});
  EXPECT_LT(bomb.size(), 20000u);
  ZipLimits limits;
  limits.max_total_bytes = 1024 * 1024;
  const ZipReadResult r = read_zip(bomb, limits);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("expands beyond"), std::string::npos) << r.error;
  limits.max_total_bytes = 4 * 1024 * 1024;
  EXPECT_TRUE(read_zip(bomb, limits).ok());
}

// A bomb whose headers understate its size is still stopped by the bytes actually inflated.
TEST(Zip, ArchiveUnderstatingItsSizeIsStillBounded) {
  std::string zip = write_zip({{"big.bin", std::string(2 * 1024 * 1024, '\0')}});
  auto patch = [&zip](std::string_view signature, std::size_t size_offset) {
    const std::size_t at = zip.find(signature);
    ASSERT_NE(at, std::string::npos);
    const std::uint32_t small = 10;
    std::memcpy(zip.data() + at + size_offset, &small, 4);  // little-endian hosts
  };
  patch(std::string_view("PK\x03\x04", 4), 22);  // local header: uncompressed size
  patch(std::string_view("PK\x01\x02", 4), 24);  // central directory: uncompressed size
  ZipLimits limits;
  limits.max_total_bytes = 1024 * 1024;
  EXPECT_FALSE(read_zip(zip, limits).ok());
}

TEST(Zip, TooManyEntriesAreRefused) {
  std::vector<ZipEntry> many;
  for (int i = 0; i < 30; ++i) many.push_back({"f" + std::to_string(i), "x"});
  ZipLimits limits;
  limits.max_entries = 20;
  const ZipReadResult r = read_zip(write_zip(many), limits);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("30 entries"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace archway::archive
