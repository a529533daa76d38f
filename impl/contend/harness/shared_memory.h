// SharedRegion / Shared<T>: memory that worker processes really share.
//
// An anonymous MAP_SHARED mapping created before fork() is inherited at the
// same address by every child, so pointers into it (MCS queue nodes, say)
// stay valid in all of them. Being anonymous, it has no name in /dev/shm and
// vanishes with its last user: nothing can be left behind, even by a crash.
// In thread mode the same objects behave like ordinary heap objects.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace contend {

class SharedRegion {
 public:
  explicit SharedRegion(size_t bytes);
  ~SharedRegion();
  SharedRegion(const SharedRegion&) = delete;
  SharedRegion& operator=(const SharedRegion&) = delete;

  void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void* data_;
  size_t size_;
};

// One T constructed in its own shared region. T must not own heap memory
// that other processes are expected to see (no std::vector inside).
template <class T>
class Shared {
 public:
  template <class... Args>
  explicit Shared(Args&&... args) : region_(sizeof(T)) {
    object_ = new (region_.data()) T(std::forward<Args>(args)...);
  }
  ~Shared() { object_->~T(); }
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;

  T* get() const { return object_; }
  T* operator->() const { return object_; }
  T& operator*() const { return *object_; }

 private:
  SharedRegion region_;
  T* object_;
};

}  // namespace contend
