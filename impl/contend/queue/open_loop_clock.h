// The clock an open-loop episode (open_loop_workload.h) keeps its schedule
// by: when an item is due, when it was pushed and popped, and the test-only
// consumer stall. The workload reads time through nothing else, so a test
// can own the schedule (a clock that moves only when the test's rules say)
// and judge what the workload makes of a stall without depending on how
// quiet the machine is. bench_queue uses WallClock.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <thread>

#include "contend/harness/clock.h"
#include "contend/sync/cpu_relax.h"

namespace contend {

template <class C>
concept OpenLoopClock = requires(const C& clock, int64_t ns, std::chrono::nanoseconds d) {
  { clock.now() } -> std::same_as<int64_t>;  // ns, never 0 once an episode runs
  clock.wait_until(ns);                      // returns once now() >= ns
  clock.stall(d);                            // a consumer descheduled for d
};

// Real time: monotonic_ns, shared by every thread.
struct WallClock {
  int64_t now() const { return monotonic_ns(); }
  // Spins: a sleep's wake-up is late by more than the gaps between items.
  void wait_until(int64_t due_ns) const {
    while (monotonic_ns() < due_ns) cpu_relax();
  }
  void stall(std::chrono::nanoseconds d) const { std::this_thread::sleep_for(d); }
};

}  // namespace contend
