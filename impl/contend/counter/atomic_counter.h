// AtomicCounter: one fetch_add per increment (`lock xadd` on x86).
//
// The memory order is a template parameter so relaxed and seq_cst can be
// compared: on x86 both compile to the same locked instruction, on ARM they
// do not. Exact; every increment is one read-modify-write of a shared line.
#pragma once

#include <atomic>
#include <cstdint>

namespace contend {

template <std::memory_order Order>
class alignas(64) AtomicCounter {
 public:
  static constexpr bool kExact = true;

  void increment(int /*worker*/) noexcept { value_.fetch_add(1, Order); }
  // Acquire pairs with increment() only when Order is release or stronger,
  // and is not needed even then: see counter_workload.h.
  uint64_t read() const noexcept { return value_.load(std::memory_order_acquire); }
  void reset() noexcept { value_.store(0, std::memory_order_relaxed); }  // see counter_workload.h

 private:
  static_assert(std::atomic<uint64_t>::is_always_lock_free);
  std::atomic<uint64_t> value_{0};
};

}  // namespace contend
