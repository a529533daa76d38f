// LockedCounter<Lock>: a plain integer guarded by a lock.
//
// The lock is the thing measured: std::mutex (futex-backed, sleeps when
// contended) against the spinlocks in contend/sync. Locks with per-acquirer
// queue nodes (McsLock) get one node per worker, stored inline so the
// counter still fits in a shared mapping. Exact.
//
// locked() runs any section under the lock (critical_section.h's
// LockSection); increment() is the section `++value`.
#pragma once

#include <cstdint>

#include "contend/counter/critical_section.h"
#include "contend/counter/limits.h"

namespace contend {

// A lock whose acquire and release take the acquirer's queue node.
template <class Lock>
concept QueueLock = requires(Lock lock, typename Lock::Node node) {
  lock.lock(node);
  lock.unlock(node);
};

template <class Lock>
class LockedCounter {
 public:
  static constexpr bool kExact = true;

  void increment(int worker) noexcept {
    locked(worker, [](GuardedCount& guarded) { ++guarded.value; });
  }

  // Calls section(GuardedCount&) while holding the lock, as `worker` (whose
  // queue node a QueueLock uses). The lock's acquire and release order one
  // holder's section before the next one's.
  template <class Section>
  void locked(int worker, Section&& section) noexcept {
    if constexpr (QueueLock<Lock>) {
      auto& node = nodes_[worker];
      lock_.lock(node);
      section(guarded_);
      lock_.unlock(node);
    } else {
      lock_.lock();
      section(guarded_);
      lock_.unlock();
    }
  }
  // Read and reset run while no worker is active (between episodes); the
  // lock is still taken so the read is ordered after the last release.
  uint64_t read() noexcept {
    if constexpr (QueueLock<Lock>) {
      typename Lock::Node node;
      lock_.lock(node);
      uint64_t v = guarded_.value;
      lock_.unlock(node);
      return v;
    } else {
      lock_.lock();
      uint64_t v = guarded_.value;
      lock_.unlock();
      return v;
    }
  }
  void reset() noexcept { guarded_ = {}; }

 private:
  struct NoNodes {
    int operator[](int) const { return 0; }
  };
  template <class L>
  struct NodesOf {
    using type = NoNodes;
  };
  template <QueueLock L>
  struct NodesOf<L> {
    using type = typename L::Node[kMaxWorkers];
  };

  alignas(64) Lock lock_;
  alignas(64) GuardedCount guarded_;
  [[no_unique_address]] typename NodesOf<Lock>::type nodes_{};
};

}  // namespace contend
