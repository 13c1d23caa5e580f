// The per-thread pool of coroutine frames (frame_pool.h).
#include "gateway/internal/frame_pool.h"

#include <new>

namespace archway::gateway::internal {

namespace {

constexpr std::size_t kClassBytes = 256;
constexpr std::size_t kClasses = 32;  // frames up to 8 KiB
// Per class and thread. A request mid-way holds two frames of one class (serve and forward are
// about the same size), so this keeps the frames of 512 connections busy at once: at most about
// 2 MiB per class, reached only after such a burst.
constexpr unsigned kMaxKept = 1024;

struct FreeBlock {
  FreeBlock* next;
};

struct Lists {
  FreeBlock* head[kClasses] = {};
  unsigned kept[kClasses] = {};
  bool alive = true;  // false once the thread's lists are gone: frames freed later (at exit) go back

  ~Lists() {
    alive = false;
    for (FreeBlock*& h : head)
      while (FreeBlock* b = h) {
        h = b->next;
        ::operator delete(b);
      }
  }
};

thread_local Lists lists;

}  // namespace

void* allocate_frame(std::size_t n) {
  const std::size_t c = n == 0 ? 0 : (n - 1) / kClassBytes;
  if (c >= kClasses) return ::operator new(n);
  Lists& l = lists;
  if (FreeBlock* b = l.head[c]) {
    l.head[c] = b->next;
    --l.kept[c];
    return b;
  }
  return ::operator new((c + 1) * kClassBytes);
}

void free_frame(void* p, std::size_t n) noexcept {
  const std::size_t c = n == 0 ? 0 : (n - 1) / kClassBytes;
  Lists& l = lists;
  if (c >= kClasses || !l.alive || l.kept[c] >= kMaxKept) {
    ::operator delete(p);
    return;
  }
  auto* b = static_cast<FreeBlock*>(p);
  b->next = l.head[c];
  l.head[c] = b;
  ++l.kept[c];
}

}  // namespace archway::gateway::internal
