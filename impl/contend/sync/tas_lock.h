// TasLock: test-and-set spinlock, the simplest lock there is.
//
// Every waiter performs an atomic exchange on each attempt, so the lock's
// cache line ping-pongs between waiters even while it is held: the baseline
// the smarter spinlocks are measured against. Not fair, not FIFO.
// Lives in shared memory as well (one lock-free atomic, no pointers).
#pragma once

#include <atomic>

#include "contend/sync/backoff.h"

namespace contend {

class TasLock {
 public:
  // The exchange that takes the lock (acquire) pairs with the store in
  // unlock() (release): the last holder's critical section happens-before
  // the next one's.
  void lock() noexcept {
    SpinWait wait;
    while (locked_.exchange(true, std::memory_order_acquire)) wait.pause();
  }
  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  static_assert(std::atomic<bool>::is_always_lock_free);
  std::atomic<bool> locked_{false};
};

}  // namespace contend
