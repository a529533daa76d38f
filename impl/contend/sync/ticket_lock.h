// TicketLock: FIFO-fair spinlock, the bakery algorithm in two counters.
//
// A waiter takes the next ticket and spins until `serving` reaches it, so
// the lock is granted strictly in arrival order. The price: all waiters
// spin on the same line, and a preempted waiter whose turn comes stalls
// everyone behind it (severe when oversubscribed).
// Lives in shared memory as well.
#pragma once

#include <atomic>
#include <cstdint>

#include "contend/sync/backoff.h"

namespace contend {

class TicketLock {
 public:
  void lock() noexcept {
    // Relaxed: a ticket only fixes the turn; the hand-over is `serving_`.
    const uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
    SpinWait wait;
    // Acquire: pairs with the release in the previous holder's unlock().
    while (serving_.load(std::memory_order_acquire) != ticket) wait.pause();
  }
  void unlock() noexcept {
    // Only the holder writes `serving`, so a load + store is enough; the
    // load is relaxed because it reads the value our lock() acquired. The
    // store (release) hands the critical section to the next ticket.
    serving_.store(serving_.load(std::memory_order_relaxed) + 1,
                   std::memory_order_release);
  }

 private:
  static_assert(std::atomic<uint32_t>::is_always_lock_free);
  std::atomic<uint32_t> next_{0};
  std::atomic<uint32_t> serving_{0};
};

}  // namespace contend
