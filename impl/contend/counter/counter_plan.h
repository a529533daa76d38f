// What bench_counter measures on a machine: every strategy of
// counter_strategies.h, in threads and in processes, at the ladder's points
// and each distinct placement map.
//
// Quick mode measures processes at the full machine only (the largest point
// that is not oversubscribed): the threads-versus-processes question, asked
// once, where it matters most; threads keep the whole ladder, the
// oversubscribed point included.
#pragma once

#include <vector>

#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/topology/placement.h"

namespace contend {

struct CounterScenario {
  BenchmarkId id;             // impl: the strategy; mode: threads or processes
  std::vector<Place> places;  // one per worker
};

// In counter_strategies.h order, then mode, ladder point, placement.
std::vector<CounterScenario> counter_plan(const PlanInput& input);

}  // namespace contend
