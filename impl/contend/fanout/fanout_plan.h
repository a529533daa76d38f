// What bench_fanout's fanout family measures on a machine: a fixed total of
// hash work split over n pre-started workers, the results coming back
// through shared memory (threads, processes) or a pipe (processes), at each
// ladder point and placement map.
//
// The total is the same at every n, about 25 ms of work for one worker
// (2^25 hashes; quick 2^24, 13 ms), so items/s across the ladder is speedup.
// Quick: one worker and the full machine, compact's map only: the speedup
// curve's two ends.
#pragma once

#include <cstdint>
#include <vector>

#include "contend/fanout/fanout_workload.h"
#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/topology/placement.h"

namespace contend {

struct FanoutScenario {
  BenchmarkId id;  // impl: the result path; mode: threads or processes
  ResultPath path;
  uint64_t total_items = 0;   // hash_sum items, split over the workers
  std::vector<Place> places;  // one per worker
};

// Per (path, mode) variant, then ladder point, placement.
std::vector<FanoutScenario> fanout_plan(const PlanInput& input);

}  // namespace contend
