// What counter/critical_section measures on a machine: every strategy with
// a critical section (critical_section.h's has_critical_section: std_mutex,
// the spinlocks, cas_loop), in threads, under a contention dial of
// critical-section length x think time between acquisitions.
//
//   full run   every dial point (cs_ns 0, 100, 1000 x think_ns 0, 1000,
//              10000) at every ladder point of at least 2 workers that is
//              not oversubscribed, and the oversubscribed point at the
//              middle dial point (cs_ns:100 think_ns:1000) only: what
//              preempted holders do to waiters, asked once
//   quick run  the middle dial point at the full machine (the largest point
//              of 2 workers or more that fits; on a one-PU machine, where
//              none fits, the oversubscribed point instead)
//
// One worker is never measured: with nobody to wait for, acquire-wait is
// the uncontended lock's cost, which bench_counter's `increment` at 1
// worker already shows.
#pragma once

#include <cstdint>
#include <vector>

#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/topology/placement.h"

namespace contend {

// Nominal nanoseconds of calibrated work (calibrated_work.h): inside the
// critical section, and between one release and the next request. 0: none.
struct ContentionDial {
  int64_t cs_ns = 0;
  int64_t think_ns = 0;
  friend bool operator==(const ContentionDial&, const ContentionDial&) = default;
};

inline constexpr int64_t kCriticalSectionNs[] = {0, 100, 1000};
inline constexpr int64_t kThinkNs[] = {0, 1000, 10000};
// The quick run's one point, and the oversubscribed point's.
inline constexpr ContentionDial kMiddleDial{.cs_ns = 100, .think_ns = 1000};

struct CriticalSectionScenario {
  BenchmarkId id;             // benchmark "critical_section"; params cs_ns, think_ns
  std::vector<Place> places;  // one per worker
  ContentionDial dial;
};

// In counter_strategies.h order, then ladder point, placement, cs_ns, think_ns.
std::vector<CriticalSectionScenario> critical_section_plan(const PlanInput& input);

}  // namespace contend
