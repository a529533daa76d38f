// TicketLock: FIFO-fair spinlock, the bakery algorithm in two counters.
//
// A waiter takes the next ticket and spins until `serving` reaches it, so
// the lock is granted strictly in arrival order. The price: all waiters
// spin on the same line, and a preempted waiter whose turn comes stalls
// everyone behind it (severe when oversubscribed).
// Lives in shared memory as well.
//
// Checked as it is: BasicTicketLock takes its atomics from a Platform
// (std_atomics.h), and tests instantiate it over Relacy's model
// (tests/sync/lock_models.cc) and over a spin step that reports a queued
// waiter (tests/sync/lock_fairness_test.cc: FIFO grants).
#pragma once

#include <atomic>
#include <cstdint>

#include "contend/sync/std_atomics.h"

namespace contend {

template <class Platform = StdAtomics>
class BasicTicketLock {
  template <class U>
  using Atomic = typename Platform::template Atomic<U>;

 public:
  void lock() noexcept {
    // Relaxed: a ticket only fixes the turn; the hand-over is `serving_`.
    const uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
    typename Platform::Spin wait;
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
  Atomic<uint32_t> next_{0};
  Atomic<uint32_t> serving_{0};
};

using TicketLock = BasicTicketLock<>;

}  // namespace contend
