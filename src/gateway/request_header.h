#pragma once
// The client's request head as the filters see and change it on its way to the backend: method,
// target, version and an editable field table (h1::Fields) whose entries are views of the client
// connection's read buffer until a filter sets them. The session keeps one per connection, so
// reusing it does not allocate.
#include <string>
#include <string_view>

#include "http/h1/fields.h"
#include "http/h1/parser.h"

namespace archway::gateway {

class RequestHeader {
 public:
  void assign(const http::h1::Head& head) {
    method_ = head.method;
    method_text_ = head.method_text;
    target_ = head.target;
    version_ = head.version;
    fields.assign(head.fields());
  }

  http::h1::Method method() const noexcept { return method_; }
  std::string_view method_string() const noexcept { return method_text_; }
  // rewriteMethod: `text` must outlive the request (the compiled flow's string).
  void method(std::string_view text) noexcept {
    method_ = http::h1::method_of(text);
    method_text_ = text;
  }
  std::string_view target() const noexcept { return target_; }
  void target(std::string_view t) noexcept { target_ = t; }  // must outlive the request
  int version() const noexcept { return version_; }

  // The value of the first field with this id or name, or "".
  std::string_view operator[](http::h1::FieldId id) const noexcept {
    const http::h1::Field* f = fields.find(id);
    return f ? f->value : std::string_view();
  }
  std::string_view operator[](std::string_view name) const noexcept {
    const http::h1::Field* f = fields.find(name);
    return f ? f->value : std::string_view();
  }
  const http::h1::Field* find(std::string_view name) const noexcept { return fields.find(name); }
  bool set(std::string_view name, std::string_view value) { return fields.set(name, value); }
  bool set(http::h1::FieldId id, std::string_view value) { return fields.set(id, value); }
  std::size_t erase(std::string_view name) noexcept { return fields.erase(name); }
  std::size_t erase(http::h1::FieldId id) noexcept { return fields.erase(id); }
  auto begin() const noexcept { return fields.begin(); }
  auto end() const noexcept { return fields.end(); }

  // Copies whatever still views the read buffer, before that buffer takes more bytes (a body read
  // whole). The target is the caller's to keep.
  void detach() {
    spare_.clear();
    for (const http::h1::Field& f : fields) spare_.add(f.name, f.value);
    std::swap(fields, spare_);
    if (method_ == http::h1::Method::kOther) {
      method_copy_.assign(method_text_);
      method_text_ = method_copy_;
    } else {
      method_text_ = http::h1::method_name(method_);
    }
  }

  http::h1::Fields fields;

 private:
  http::h1::Method method_ = http::h1::Method::kGet;
  std::string_view method_text_;
  std::string_view target_;
  int version_ = 11;
  http::h1::Fields spare_;
  std::string method_copy_;
};

}  // namespace archway::gateway
