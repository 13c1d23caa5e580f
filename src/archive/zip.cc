#include "archive/zip.h"

#include <zip.h>

#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>

namespace archway::archive {

namespace {

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

std::string error_text(zip_error_t* e) {
  std::string out = zip_error_strerror(e);
  zip_error_fini(e);
  return out;
}

}  // namespace

bool safe_entry_name(std::string_view name) {
  if (name.empty() || name.front() == '/') return false;
  if (name.size() >= 2 && name[1] == ':') return false;  // C:evil, C:/evil
  for (char c : name)
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  if (name.back() == '/') name.remove_suffix(1);  // a directory entry
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view segment = name.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string write_zip(const std::vector<ZipEntry>& entries) {
  // libzip writes nothing at all for an archive without entries; an empty zip is its end record.
  if (entries.empty()) return std::string("PK\x05\x06", 4) + std::string(18, '\0');
  zip_error_t err;
  zip_error_init(&err);
  std::unique_ptr<zip_source_t, SourceFree> sink(zip_source_buffer_create(nullptr, 0, 0, &err));
  if (!sink) throw std::runtime_error("zip: " + error_text(&err));
  zip_t* raw = zip_open_from_source(sink.get(), ZIP_TRUNCATE, &err);
  if (!raw) throw std::runtime_error("zip: " + error_text(&err));
  zip_source_keep(sink.get());  // the archive releases its reference on close; we read it after
  std::unique_ptr<zip_t, ArchiveCloser> archive(raw);
  for (const auto& e : entries) {
    zip_source_t* src = zip_source_buffer(archive.get(), e.data.data(), e.data.size(), 0);
    if (!src) throw std::runtime_error("zip: " + std::string(zip_strerror(archive.get())));
    if (zip_file_add(archive.get(), e.name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
      zip_source_free(src);
      throw std::runtime_error("zip: " + std::string(zip_strerror(archive.get())));
    }
  }
  if (zip_close(archive.get()) < 0) throw std::runtime_error("zip: " + std::string(zip_strerror(archive.get())));
  archive.release();  // closed

  std::string out;
  if (zip_source_open(sink.get()) < 0) throw std::runtime_error("zip: cannot reopen the written archive");
  char buf[16384];
  for (;;) {
    const zip_int64_t n = zip_source_read(sink.get(), buf, sizeof buf);
    if (n < 0) {
      zip_source_close(sink.get());
      throw std::runtime_error("zip: cannot read the written archive");
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  zip_source_close(sink.get());
  return out;
}

ZipReadResult read_zip(std::string_view data, const ZipLimits& limits) {
  ZipReadResult r;
  auto fail = [&r](std::string why) {
    r.entries.clear();
    r.error = std::move(why);
    return std::move(r);
  };
  if (data.empty()) return fail("the file is empty, not a zip archive");
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(data.data(), data.size(), 0, &err);
  if (!src) return fail("cannot read the archive: " + error_text(&err));
  zip_t* raw = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (!raw) {
    zip_source_free(src);
    const int code = zip_error_code_zip(&err);
    const std::string why = error_text(&err);
    if (code == ZIP_ER_NOZIP) return fail("the file is not a zip archive");
    return fail("the file is not a readable zip archive (" + why + ")");
  }
  std::unique_ptr<zip_t, ArchiveCloser> archive(raw);
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0) return fail("cannot list the archive's entries");
  if (static_cast<std::size_t>(count) > limits.max_entries)
    return fail("the archive has " + std::to_string(count) + " entries; at most " +
                std::to_string(limits.max_entries) + " are accepted");
  std::size_t total = 0;
  std::set<std::string> seen;
  char buf[16384];
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* name_c = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
    if (!name_c) return fail("entry " + std::to_string(i) + " has no readable name");
    const std::string name = name_c;
    if (!safe_entry_name(name))
      return fail("entry '" + name + "' has an unsafe name (absolute, '..', empty segment or backslash)");
    if (name.back() == '/') continue;  // a directory
    if (!seen.insert(name).second) return fail("entry '" + name + "' appears twice");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) < 0)
      return fail("cannot read entry '" + name + "'");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
      return fail("entry '" + name + "' is encrypted");
    if ((st.valid & ZIP_STAT_SIZE) && st.size > limits.max_total_bytes - total)
      return fail("the archive expands beyond " + std::to_string(limits.max_total_bytes) + " bytes (at '" + name + "')");
    std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0));
    if (!file) return fail("cannot open entry '" + name + "': " + zip_strerror(archive.get()));
    ZipEntry e{name, {}};
    for (;;) {
      const zip_int64_t n = zip_fread(file.get(), buf, sizeof buf);
      if (n < 0) return fail("entry '" + name + "' is corrupt: " + zip_file_strerror(file.get()));
      if (n == 0) break;
      total += static_cast<std::size_t>(n);
      if (total > limits.max_total_bytes)
        return fail("the archive expands beyond " + std::to_string(limits.max_total_bytes) + " bytes (at '" + name + "')");
      e.data.append(buf, static_cast<std::size_t>(n));
    }
    r.entries.push_back(std::move(e));
  }
  return r;
}

}  // namespace archway::archive
