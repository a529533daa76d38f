// CasCounter: increment by a compare_exchange_weak retry loop.
//
// The shape of every lock-free update that fetch_add cannot express; under
// contention a failed CAS costs a round trip of the line and a retry, so it
// degrades faster than fetch_add. Exact.
#pragma once

#include <atomic>
#include <cstdint>

namespace contend {

class alignas(64) CasCounter {
 public:
  static constexpr bool kExact = true;

  void increment(int /*worker*/) noexcept {
    update([](uint64_t seen) { return seen + 1; });
  }

  // Replaces the value with compute(seen), `seen` being the value replaced
  // (critical_section.h's OptimisticSection): compute runs once per attempt,
  // again with the fresh value after every failed CAS.
  template <class Compute>
  void update(Compute&& compute) noexcept {
    // Relaxed: a first guess; a stale one only costs a failed CAS.
    uint64_t seen = value_.load(std::memory_order_relaxed);
    // On failure `seen` is refreshed with the current value. acq_rel is
    // more than counting needs (no data rides on the value; relaxed would
    // stay exact): it is the order of the publishing updates this counter
    // stands for. x86 emits the same lock cmpxchg either way.
    while (!value_.compare_exchange_weak(seen, compute(seen), std::memory_order_acq_rel,
                                         std::memory_order_relaxed)) {
    }
  }
  // Acquire pairs with increment()'s release half; not needed for the read
  // after an episode (counter_workload.h).
  uint64_t read() const noexcept { return value_.load(std::memory_order_acquire); }
  void reset() noexcept { value_.store(0, std::memory_order_relaxed); }  // see counter_workload.h

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace contend
