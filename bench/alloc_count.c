/* Allocation counter for the benchmark (bench/run.sh, MODE=pinned), loaded with LD_PRELOAD.
 *
 * Counts calls to malloc, calloc, realloc, the aligned allocators and free (libstdc++'s operator
 * new and delete go through malloc and free, its aligned new through aligned_alloc) in relaxed
 * atomic counters, and forwards each call to glibc's own allocator (__libc_malloc and friends, so
 * no dlsym is needed: dlsym itself allocates). On SIGUSR2 it writes one line,
 *   mallocs callocs reallocs aligned frees bytes
 * to $ALLOC_COUNT_FILE (written to a temporary name, then renamed, so a reader never sees half a
 * line); the bench signals before and after a wrk run and divides the differences by the requests
 * wrk completed. The handler only reads atomics and makes async-signal-safe system calls; it is
 * installed with SA_RESTART. Archway does not use SIGUSR2 (it waits for SIGINT and SIGTERM only).
 *
 * Build: cc -shared -fPIC -O2 -o alloc_count.so bench/alloc_count.c -ldl
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void* __libc_memalign(size_t, size_t);
extern void __libc_free(void*);

static atomic_ulong n_malloc, n_calloc, n_realloc, n_aligned, n_free, n_bytes;

#define COUNT(c) atomic_fetch_add_explicit(&(c), 1, memory_order_relaxed)
#define ADD_BYTES(n) atomic_fetch_add_explicit(&n_bytes, (unsigned long)(n), memory_order_relaxed)

void* malloc(size_t n) {
  COUNT(n_malloc);
  ADD_BYTES(n);
  return __libc_malloc(n);
}
void* calloc(size_t k, size_t n) {
  COUNT(n_calloc);
  ADD_BYTES(k * n);
  return __libc_calloc(k, n);
}
void* realloc(void* p, size_t n) {
  COUNT(n_realloc);
  ADD_BYTES(n);
  return __libc_realloc(p, n);
}
void free(void* p) {
  if (p) COUNT(n_free);
  __libc_free(p);
}
void* memalign(size_t a, size_t n) {
  COUNT(n_aligned);
  ADD_BYTES(n);
  return __libc_memalign(a, n);
}
void* aligned_alloc(size_t a, size_t n) { return memalign(a, n); }
int posix_memalign(void** out, size_t a, size_t n) {
  if (a < sizeof(void*) || (a & (a - 1)) != 0) return EINVAL;
  void* p = memalign(a, n);
  if (!p && n) return ENOMEM;
  *out = p;
  return 0;
}

static char path[4096], tmp[4110];

static char* put_u(char* o, unsigned long v) {
  char d[24];
  int i = 0;
  do d[i++] = (char)('0' + v % 10); while (v /= 10);
  while (i) *o++ = d[--i];
  return o;
}

static void dump(int sig) {
  (void)sig;
  const int saved = errno;
  char line[200], *o = line;
  atomic_ulong* c[] = {&n_malloc, &n_calloc, &n_realloc, &n_aligned, &n_free, &n_bytes};
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    if (i) *o++ = ' ';
    o = put_u(o, atomic_load_explicit(c[i], memory_order_relaxed));
  }
  *o++ = '\n';
  const int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ssize_t w = write(fd, line, (size_t)(o - line));
    close(fd);
    if (w == o - line) rename(tmp, path);
  }
  errno = saved;
}

__attribute__((constructor)) static void install(void) {
  const char* p = getenv("ALLOC_COUNT_FILE");
  if (!p || !*p || strlen(p) >= sizeof path) return;
  memcpy(path, p, strlen(p) + 1);
  memcpy(tmp, p, strlen(p));
  memcpy(tmp + strlen(p), ".tmp", 5);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = dump;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR2, &sa, NULL);
}
