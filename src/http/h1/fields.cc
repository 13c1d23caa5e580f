#include "http/h1/fields.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "http/h1/internal/chars.h"

namespace archway::http::h1 {

// Bump allocation in blocks that never move; reset() rewinds to the first block and keeps them all.
class Fields::Arena {
 public:
  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    // The current block nearly always has room: that path is small enough to be inlined.
    if (block_ < blocks_.size() && blocks_[block_].size - used_ >= s.size()) [[likely]] {
      char* dst = blocks_[block_].data.get() + used_;
      std::memcpy(dst, s.data(), s.size());
      used_ += s.size();
      return {dst, s.size()};
    }
    return copy_to_next_block(s);
  }
  [[gnu::noinline]] std::string_view copy_to_next_block(std::string_view s) {
    while (block_ < blocks_.size() && blocks_[block_].size - used_ < s.size()) {
      ++block_;
      used_ = 0;
    }
    if (block_ == blocks_.size()) {
      blocks_.push_back({std::make_unique<char[]>(std::max(kBlockBytes, s.size())),
                         std::max(kBlockBytes, s.size())});
      used_ = 0;
    }
    char* dst = blocks_[block_].data.get() + used_;
    std::memcpy(dst, s.data(), s.size());
    used_ += s.size();
    return {dst, s.size()};
  }
  void reset() noexcept {
    block_ = 0;
    used_ = 0;
  }

 private:
  static constexpr std::size_t kBlockBytes = 4096;
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t size;
  };
  std::vector<Block> blocks_;
  std::size_t block_ = 0;
  std::size_t used_ = 0;
};

Fields::Fields() : arena_(std::make_unique<Arena>()) { fields_.reserve(32); }
Fields::~Fields() = default;
Fields::Fields(Fields&&) noexcept = default;
Fields& Fields::operator=(Fields&&) noexcept = default;

void Fields::assign(std::span<const Field> parsed) {
  clear();
  fields_.assign(parsed.begin(), parsed.end());
}

void Fields::clear() noexcept {
  fields_.clear();
  arena_->reset();
}

const Field* Fields::find(FieldId id) const noexcept {
  for (const Field& f : fields_)
    if (f.id == id) return &f;
  return nullptr;
}

const Field* Fields::find(std::string_view name) const noexcept {
  const FieldId id = field_id(name);
  if (id != FieldId::kOther) return find(id);
  for (const Field& f : fields_)
    if (f.id == FieldId::kOther && iequals(f.name, name)) return &f;
  return nullptr;
}

std::size_t Fields::count(FieldId id) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(fields_.begin(), fields_.end(), [id](const Field& f) { return f.id == id; }));
}

std::string_view Fields::copy(std::string_view s) { return arena_->copy(s); }

bool Fields::put(std::string_view name, FieldId id, std::string_view value, bool replace) {
  // A known field's canonical name (field_name) is a token: only other names are checked.
  const bool canonical = id != FieldId::kOther && name.data() == field_name(id).data();
  if (!canonical && !internal::is_token(name)) return false;
  return put_checked_name(canonical ? name : std::string_view(), name, id, value, replace);
}

// `canonical` is the static name of a known field (not copied) or empty; `name` the one to compare
// and copy when it is empty.
bool Fields::put_checked_name(std::string_view canonical, std::string_view name, FieldId id,
                              std::string_view value, bool replace) {
  if (!internal::is_field_value(value)) return false;
  value = internal::trim_ows(value);
  if (replace) {
    // Known fields compare by id alone (the common case, a loop of byte compares); others by name.
    auto first = fields_.begin();
    const auto end = fields_.end();
    if (id != FieldId::kOther) {
      while (first != end && first->id != id) ++first;
    } else {
      while (first != end && !(first->id == FieldId::kOther && iequals(first->name, name))) ++first;
    }
    if (first != end) {
      first->value = copy(value);
      fields_.erase(std::remove_if(first + 1, fields_.end(),
                                   [&](const Field& f) {
                                     return id != FieldId::kOther
                                                ? f.id == id
                                                : f.id == FieldId::kOther && iequals(f.name, name);
                                   }),
                    fields_.end());
      return true;
    }
  }
  fields_.push_back({canonical.empty() ? copy(name) : canonical, copy(value), id});
  return true;
}

bool Fields::set(std::string_view name, std::string_view value) {
  return put(name, field_id(name), value, true);
}
bool Fields::set(FieldId id, std::string_view value) {
  if (id == FieldId::kOther) return false;
  const std::string_view name = field_name(id);
  return put_checked_name(name, name, id, value, true);
}
bool Fields::add(std::string_view name, std::string_view value) {
  return put(name, field_id(name), value, false);
}
bool Fields::add(FieldId id, std::string_view value) {
  if (id == FieldId::kOther) return false;
  const std::string_view name = field_name(id);
  return put_checked_name(name, name, id, value, false);
}

std::size_t Fields::erase(FieldId id) noexcept {
  return std::erase_if(fields_, [id](const Field& f) { return f.id == id; });
}

std::size_t Fields::erase(std::string_view name) noexcept {
  const FieldId id = field_id(name);
  if (id != FieldId::kOther) return erase(id);
  return std::erase_if(
      fields_, [name](const Field& f) { return f.id == FieldId::kOther && iequals(f.name, name); });
}

bool Fields::listed_in_connection(std::string_view name) const noexcept {
  for (const Field& f : fields_) {
    if (f.id != FieldId::kConnection) continue;
    std::string_view v = f.value;
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      if (iequals(internal::trim_ows(v.substr(0, comma)), name)) return true;
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
    }
  }
  return false;
}

std::size_t Fields::erase_hop_by_hop(std::initializer_list<FieldId> also) noexcept {
  static_assert(static_cast<unsigned>(FieldId::kCount) <= 64, "an id set is one 64-bit word");
  const auto bit = [](FieldId id) { return std::uint64_t{1} << static_cast<unsigned>(id); };
  std::uint64_t ids = bit(FieldId::kConnection) | bit(FieldId::kKeepAlive) |
                      bit(FieldId::kProxyConnection) | bit(FieldId::kTe) | bit(FieldId::kTrailer) |
                      bit(FieldId::kTransferEncoding) | bit(FieldId::kUpgrade);
  for (const FieldId id : also)
    if (id != FieldId::kOther) ids |= bit(id);
  const std::size_t before = fields_.size();
  // Fields named in Connection first, while the Connection fields are still here: known names join
  // the id set of the one pass below; other names are gathered (views of bytes the table does not
  // move) and erased by name; past a handful, each field is checked against the Connection fields
  // instead, back to front.
  std::array<std::string_view, 8> named;
  std::size_t n = 0;
  bool overflow = false;
  for (const Field& f : fields_) {
    if (f.id != FieldId::kConnection) continue;
    std::string_view v = f.value;
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      const std::string_view token = internal::trim_ows(v.substr(0, comma));
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      if (token.empty()) continue;
      if (const FieldId id = field_id(token); id != FieldId::kOther) {
        ids |= bit(id);
      } else if (n == named.size()) {
        overflow = true;
      } else {
        named[n++] = token;
      }
    }
  }
  if (!overflow) {
    for (std::size_t i = 0; i < n; ++i) erase(named[i]);
  } else {
    for (std::size_t i = fields_.size(); i-- > 0;)
      if (fields_[i].id == FieldId::kOther && listed_in_connection(fields_[i].name))
        fields_.erase(fields_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  std::erase_if(fields_, [ids](const Field& f) { return (ids >> static_cast<unsigned>(f.id)) & 1; });
  return before - fields_.size();
}

}  // namespace archway::http::h1
