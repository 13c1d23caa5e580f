#include "http/h1/fields.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "http/h1/internal/chars.h"

namespace archway::http::h1 {

// Bump allocation in blocks that never move; reset() rewinds to the first block and keeps them all.
class Fields::Arena {
 public:
  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
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
  if ((!canonical && !internal::is_token(name)) || !internal::is_field_value(value)) return false;
  value = internal::trim_ows(value);
  const auto same = [&](const Field& f) {
    return id != FieldId::kOther ? f.id == id : f.id == FieldId::kOther && iequals(f.name, name);
  };
  if (replace) {
    auto first = std::find_if(fields_.begin(), fields_.end(), same);
    if (first != fields_.end()) {
      first->value = copy(value);
      fields_.erase(std::remove_if(first + 1, fields_.end(), same), fields_.end());
      return true;
    }
  }
  fields_.push_back({canonical ? name : copy(name), copy(value), id});
  return true;
}

bool Fields::set(std::string_view name, std::string_view value) {
  return put(name, field_id(name), value, true);
}
bool Fields::set(FieldId id, std::string_view value) {
  return id != FieldId::kOther && put(field_name(id), id, value, true);
}
bool Fields::add(std::string_view name, std::string_view value) {
  return put(name, field_id(name), value, false);
}
bool Fields::add(FieldId id, std::string_view value) {
  return id != FieldId::kOther && put(field_name(id), id, value, false);
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

std::size_t Fields::erase_hop_by_hop() noexcept {
  const std::size_t before = fields_.size();
  // Fields named in Connection first, while the Connection fields are still here. The names are
  // gathered first (views of bytes the table does not move); past a handful, each field is checked
  // against the Connection fields instead, back to front.
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
      if (n == named.size())
        overflow = true;
      else
        named[n++] = token;
    }
  }
  if (!overflow) {
    for (std::size_t i = 0; i < n; ++i)
      if (field_id(named[i]) != FieldId::kConnection) erase(named[i]);
  } else {
    for (std::size_t i = fields_.size(); i-- > 0;)
      if (fields_[i].id != FieldId::kConnection && listed_in_connection(fields_[i].name))
        fields_.erase(fields_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  std::erase_if(fields_, [](const Field& f) {
    switch (f.id) {
      case FieldId::kConnection:
      case FieldId::kKeepAlive:
      case FieldId::kProxyConnection:
      case FieldId::kTe:
      case FieldId::kTrailer:
      case FieldId::kTransferEncoding:
      case FieldId::kUpgrade:
        return true;
      default:
        return false;
    }
  });
  return before - fields_.size();
}

}  // namespace archway::http::h1
