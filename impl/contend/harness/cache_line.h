// CacheLineAllocator<T>: an allocator for per-worker buffers whose every
// allocation starts on a cache line and owns whole lines.
//
// Small buffers that workers write on every operation (a consumer's last
// sequence number per producer, say) would otherwise sit back to back on
// the heap, two workers' buffers on one line, and every write would pull
// the line away from the neighbour (false sharing). Rounding each buffer
// to whole lines keeps what one worker writes off every other's lines.
#pragma once

#include <cstddef>
#include <new>

namespace contend {

inline constexpr size_t kCacheLineBytes = 64;

template <class T>
struct CacheLineAllocator {
  using value_type = T;

  CacheLineAllocator() noexcept = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    return static_cast<T*>(::operator new(whole_lines(n), std::align_val_t{kCacheLineBytes}));
  }
  void deallocate(T* p, size_t) noexcept {
    ::operator delete(p, std::align_val_t{kCacheLineBytes});
  }

  template <class U>
  friend bool operator==(const CacheLineAllocator&, const CacheLineAllocator<U>&) noexcept {
    return true;
  }

 private:
  static size_t whole_lines(size_t n) {
    const size_t bytes = n * sizeof(T);
    return (bytes + kCacheLineBytes - 1) / kCacheLineBytes * kCacheLineBytes;
  }
};

}  // namespace contend
