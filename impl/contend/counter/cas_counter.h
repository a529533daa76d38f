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
    uint64_t seen = value_.load(std::memory_order_relaxed);
    // On failure `seen` is refreshed with the current value.
    while (!value_.compare_exchange_weak(seen, seen + 1, std::memory_order_acq_rel,
                                         std::memory_order_relaxed)) {
    }
  }
  uint64_t read() const noexcept { return value_.load(std::memory_order_acquire); }
  void reset() noexcept { value_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace contend
