#pragma once
// A connection's read buffer for the h1 parser and body decoders: one contiguous block holding the
// bytes read and not yet used. Bytes move to the front only in prepare(), and the block grows only
// there, so views of data() stay valid until the next read.
#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace archway::gateway {

class ReadBuffer {
 public:
  explicit ReadBuffer(std::size_t capacity)
      : block_(std::make_unique<char[]>(capacity)), capacity_(capacity) {}

  std::string_view data() const noexcept { return {block_.get() + begin_, end_ - begin_}; }
  std::size_t size() const noexcept { return end_ - begin_; }
  bool empty() const noexcept { return begin_ == end_; }
  std::size_t capacity() const noexcept { return capacity_; }

  void consume(std::size_t n) noexcept {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void clear() noexcept { begin_ = end_ = 0; }

  // Free space after the data for the next read. The data moves to the front when less than half
  // the block is free behind it; a full block grows to `grow_to` when that is larger. Invalidates
  // views of data().
  boost::asio::mutable_buffer prepare(std::size_t grow_to = 0) {
    if (begin_ > 0 && capacity_ - end_ < capacity_ / 2) {
      std::memmove(block_.get(), block_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == capacity_ && grow_to > capacity_) {
      auto bigger = std::make_unique<char[]>(grow_to);
      std::memcpy(bigger.get(), block_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
      block_ = std::move(bigger);
      capacity_ = grow_to;
    }
    return {block_.get() + end_, capacity_ - end_};
  }
  void commit(std::size_t n) noexcept { end_ += n; }

 private:
  std::unique_ptr<char[]> block_;
  std::size_t capacity_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace archway::gateway
