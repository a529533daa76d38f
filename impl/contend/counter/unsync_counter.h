// UnsyncCounter: the tutorial's `g_num += 1` with no synchronization.
//
// The increment is a separate load and store, exactly what `g_num += 1`
// compiles to; two workers that load the same value both store value + 1
// and one update is lost. That loss is what this counter measures, so it
// is not a bug. Relaxed atomics make the race well-defined C++ (and keep
// ThreadSanitizer quiet) while still compiling to a plain mov/add/mov with
// no lock prefix: the hardware race is the real one.
#pragma once

#include <atomic>
#include <cstdint>

namespace contend {

class alignas(64) UnsyncCounter {
 public:
  static constexpr bool kExact = false;  // lost updates are the point

  void increment(int /*worker*/) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  // Relaxed: between episodes, ordered by the harness (counter_workload.h).
  uint64_t read() const noexcept { return value_.load(std::memory_order_relaxed); }
  void reset() noexcept { value_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace contend
