#pragma once
// The header table a proxy edits between parsing a message and writing it on: it starts as views of
// the parsed head (no copy), and values it is given are copied into an arena it owns. The arena's
// blocks never move and are kept across clear(), so views stay valid while the table lives and a
// reused table stops allocating after its first few messages.
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "http/h1/parser.h"

namespace archway::http::h1 {

class Fields {
 public:
  Fields();
  Fields(const Fields&) = delete;
  Fields& operator=(const Fields&) = delete;
  // A moved-from table may only be destroyed or assigned to.
  // Defined where Arena is complete, so a table can be moved (swapped) outside fields.cc.
  Fields(Fields&&) noexcept;
  Fields& operator=(Fields&&) noexcept;
  ~Fields();

  // Takes the parsed fields as they are: views into the read buffer, which must outlive their use.
  void assign(std::span<const Field> parsed);
  // Forgets every field; keeps the table's capacity and the arena's blocks.
  void clear() noexcept;

  const Field* find(FieldId id) const noexcept;
  const Field* find(std::string_view name) const noexcept;  // case-insensitive
  std::size_t count(FieldId id) const noexcept;

  // Replace the value of the first field of that name (keeping its place) and erase the others, or
  // append the field. Name and value are copied. false, and no change, when the name is not a token
  // or the value holds CR, LF or another control character (input must not split the head).
  bool set(std::string_view name, std::string_view value);
  bool set(FieldId id, std::string_view value);  // the canonical name; id must not be kOther
  // Appends a field (a repeated name stays a separate line).
  bool add(std::string_view name, std::string_view value);
  bool add(FieldId id, std::string_view value);
  // Erases every field of that id or name; returns how many.
  std::size_t erase(FieldId id) noexcept;
  std::size_t erase(std::string_view name) noexcept;
  // Erases the hop-by-hop fields a proxy must not forward (RFC 9110 section 7.6.1): Connection, the
  // fields it names, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding and Upgrade; and,
  // in the same pass, the fields of the ids in `also`. Returns how many were erased.
  std::size_t erase_hop_by_hop(std::initializer_list<FieldId> also = {}) noexcept;

  std::span<const Field> view() const noexcept { return {fields_.data(), fields_.size()}; }
  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }

 private:
  class Arena;
  std::string_view copy(std::string_view s);
  bool put(std::string_view name, FieldId id, std::string_view value, bool replace);
  bool put_checked_name(std::string_view canonical, std::string_view name, FieldId id,
                        std::string_view value, bool replace);
  bool listed_in_connection(std::string_view name) const noexcept;

  std::vector<Field> fields_;
  std::unique_ptr<Arena> arena_;
};

}  // namespace archway::http::h1
