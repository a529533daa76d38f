// McsLock: Mellor-Crummey and Scott queue lock.
//
// Waiters form a linked queue and each spins on a flag in its *own* node,
// so a release touches one waiter's cache line instead of all of them:
// FIFO-fair and scalable under heavy contention. Each acquisition needs a
// node that outlives the critical section; callers keep one per worker.
// In shared memory the lock and the nodes must be mapped at the same
// address in every process (true for a mapping created before fork).
#pragma once

#include <atomic>

#include "contend/sync/backoff.h"

namespace contend {

class McsLock {
 public:
  struct alignas(64) Node {
    std::atomic<Node*> next{nullptr};
    std::atomic<bool> waiting{false};
  };

  void lock(Node& node) noexcept {
    node.next.store(nullptr, std::memory_order_relaxed);
    node.waiting.store(true, std::memory_order_relaxed);
    Node* predecessor = tail_.exchange(&node, std::memory_order_acq_rel);
    if (!predecessor) return;
    predecessor->next.store(&node, std::memory_order_release);
    SpinWait wait;
    while (node.waiting.load(std::memory_order_acquire)) wait.pause();
  }

  void unlock(Node& node) noexcept {
    Node* successor = node.next.load(std::memory_order_acquire);
    if (!successor) {
      Node* expected = &node;
      if (tail_.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel,
                                        std::memory_order_acquire))
        return;
      // A successor swapped itself in but has not linked yet: wait for it.
      SpinWait wait;
      while (!(successor = node.next.load(std::memory_order_acquire))) wait.pause();
    }
    successor->waiting.store(false, std::memory_order_release);
  }

 private:
  static_assert(std::atomic<Node*>::is_always_lock_free);
  std::atomic<Node*> tail_{nullptr};
};

}  // namespace contend
