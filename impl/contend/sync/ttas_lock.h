// TtasLock: test-and-test-and-set spinlock with exponential backoff.
//
// Waiters spin on a plain load, which hits their own cached copy, and try
// the exchange only when the lock looks free; after a failed try they back
// off so the releasing store is not met by a stampede. Not fair.
// Lives in shared memory as well.
#pragma once

#include <atomic>

#include "contend/sync/std_atomics.h"

namespace contend {

template <class Platform = StdAtomics>
class BasicTtasLock {
 public:
  // The exchange that takes the lock (acquire) pairs with the store in
  // unlock() (release). The plain loads only guess whether the lock is
  // free, so they are relaxed: nothing is read on their word alone.
  void lock() noexcept {
    typename Platform::Backoff backoff;
    for (;;) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) backoff.pause();
    }
  }
  bool try_lock() noexcept {
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  static_assert(std::atomic<bool>::is_always_lock_free);
  typename Platform::template Atomic<bool> locked_{false};
};

// Over std::atomic; tests instantiate BasicTtasLock over Relacy's model
// (std_atomics.h), as multiqueue's heap lock in tests/queue/queue_models.cc.
using TtasLock = BasicTtasLock<>;

}  // namespace contend
