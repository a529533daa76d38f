// LockedCounter<Lock>: a plain integer guarded by a lock.
//
// The lock is the thing measured: std::mutex (futex-backed, sleeps when
// contended) against the spinlocks in contend/sync. Locks with per-acquirer
// queue nodes (McsLock) get one node per worker, stored inline so the
// counter still fits in a shared mapping. Exact.
#pragma once

#include <cstdint>
#include <stdexcept>

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
    if constexpr (QueueLock<Lock>) {
      auto& node = nodes_[worker];
      lock_.lock(node);
      ++value_;
      lock_.unlock(node);
    } else {
      lock_.lock();
      ++value_;
      lock_.unlock();
    }
  }
  // Read and reset run while no worker is active (between episodes); the
  // lock is still taken so the read is ordered after the last release.
  uint64_t read() noexcept {
    if constexpr (QueueLock<Lock>) {
      typename Lock::Node node;
      lock_.lock(node);
      uint64_t v = value_;
      lock_.unlock(node);
      return v;
    } else {
      lock_.lock();
      uint64_t v = value_;
      lock_.unlock();
      return v;
    }
  }
  void reset() noexcept { value_ = 0; }

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
  alignas(64) uint64_t value_ = 0;
  [[no_unique_address]] typename NodesOf<Lock>::type nodes_{};
};

}  // namespace contend
