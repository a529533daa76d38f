// McsLock: Mellor-Crummey and Scott queue lock.
//
// Waiters form a linked queue and each spins on a flag in its *own* node,
// so a release touches one waiter's cache line instead of all of them:
// FIFO-fair and scalable under heavy contention. Each acquisition needs a
// node that outlives the critical section; callers keep one per worker.
// In shared memory the lock and the nodes must be mapped at the same
// address in every process (true for a mapping created before fork).
//
// Memory order, numbered at both ends of each hand-over:
//   (1) lock()'s exchange on tail_, acq_rel: its release half publishes our
//       node's reset to the successor whose (1) reads &node; its acquire
//       half sees the predecessor's reset before we link to it, and, when
//       the queue was empty, pairs with (2).
//   (2) unlock()'s CAS of tail_ to null, release: the critical section, to
//       the next (1) that finds the queue empty.
//   (3) linking to the predecessor, release: pairs with unlock()'s acquire
//       loads of `next`, so our `waiting = true` is ordered before the
//       predecessor's (4) and cannot overwrite it.
//   (4) the hand-over, release: pairs with the acquire spin on `waiting`;
//       the critical section, to the successor.
//
// Checked as it is: BasicMcsLock takes its atomics from a Platform
// (std_atomics.h), and tests instantiate it over Relacy's model
// (tests/sync/lock_models.cc) and over a spin step that reports a queued
// waiter (tests/sync/lock_fairness_test.cc: FIFO grants).
#pragma once

#include <atomic>

#include "contend/sync/std_atomics.h"

namespace contend {

template <class Platform = StdAtomics>
class BasicMcsLock {
  template <class U>
  using Atomic = typename Platform::template Atomic<U>;

 public:
  struct alignas(64) Node {
    Atomic<Node*> next{nullptr};
    Atomic<bool> waiting{false};
  };

  void lock(Node& node) noexcept {
    // Relaxed: published by (1) and (3).
    node.next.store(nullptr, std::memory_order_relaxed);
    node.waiting.store(true, std::memory_order_relaxed);
    Node* predecessor = tail_.exchange(&node, std::memory_order_acq_rel);  // (1)
    if (!predecessor) return;
    predecessor->next.store(&node, std::memory_order_release);  // (3)
    typename Platform::Spin wait;
    while (node.waiting.load(std::memory_order_acquire)) wait.pause();  // pairs with (4)
  }

  void unlock(Node& node) noexcept {
    Node* successor = node.next.load(std::memory_order_acquire);  // pairs with (3)
    if (!successor) {
      Node* expected = &node;
      // (2). No acquire half: on success it reads our own (1)'s value, and
      // on failure the acquire load of `next` below does the pairing.
      if (tail_.compare_exchange_strong(expected, nullptr, std::memory_order_release,
                                        std::memory_order_relaxed))
        return;
      // A successor swapped itself in but has not linked yet: wait for its
      // (3), with an acquire load again.
      typename Platform::Spin wait;
      while (!(successor = node.next.load(std::memory_order_acquire))) wait.pause();
    }
    successor->waiting.store(false, std::memory_order_release);  // (4)
  }

 private:
  static_assert(std::atomic<Node*>::is_always_lock_free);
  Atomic<Node*> tail_{nullptr};
};

using McsLock = BasicMcsLock<>;

}  // namespace contend
