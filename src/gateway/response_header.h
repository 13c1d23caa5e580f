#pragma once
// The backend's response head as the filters see and change it: the status line and an editable
// field table (h1::Fields) whose entries are views of the upstream read buffer until a filter sets
// them. The session keeps one per connection, so reusing it does not allocate.
#include <string>
#include <string_view>

#include "http/h1/fields.h"
#include "http/h1/parser.h"

namespace archway::gateway {

struct ResponseHeader {
  int status = 0;
  std::string_view reason;  // as the backend sent it (empty: the standard phrase)
  int version = 11;
  http::h1::Fields fields;

  void assign(const http::h1::Head& head) {
    status = head.status;
    reason = head.reason;
    version = head.version;
    fields.assign(head.fields());
  }
  // The value of the first field with this id or name, or "".
  std::string_view operator[](http::h1::FieldId id) const {
    const http::h1::Field* f = fields.find(id);
    return f ? f->value : std::string_view();
  }
  std::string_view operator[](std::string_view name) const {
    const http::h1::Field* f = fields.find(name);
    return f ? f->value : std::string_view();
  }
  // Copies whatever still views the read buffer, before that buffer takes more bytes.
  void detach() {
    spare_.clear();
    for (const http::h1::Field& f : fields) spare_.add(f.name, f.value);
    std::swap(fields, spare_);
    reason_.assign(reason);
    reason = reason_;
  }

 private:
  http::h1::Fields spare_;
  std::string reason_;
};

}  // namespace archway::gateway
