// TtasLock: test-and-test-and-set spinlock with exponential backoff.
//
// Waiters spin on a plain load, which hits their own cached copy, and try
// the exchange only when the lock looks free; after a failed try they back
// off so the releasing store is not met by a stampede. Not fair.
// Lives in shared memory as well.
#pragma once

#include <atomic>

#include "contend/sync/backoff.h"

namespace contend {

class TtasLock {
 public:
  // The exchange that takes the lock (acquire) pairs with the store in
  // unlock() (release). The plain loads only guess whether the lock is
  // free, so they are relaxed: nothing is read on their word alone.
  void lock() noexcept {
    ExponentialBackoff backoff;
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
  std::atomic<bool> locked_{false};
};

}  // namespace contend
