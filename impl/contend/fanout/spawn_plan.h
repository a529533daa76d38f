// What bench_fanout's spawn family measures on a machine: every SpawnKind
// with an ordinary and a big parent (parent_mib: 256 MiB, quick 64), at
// each ladder point n (n tasks started at once, then waited for).
//
// Tasks are not pinned (they go where the scheduler puts them, as in a real
// program), so placement does not vary: every instance is `compact`. The
// parent spawns while its tasks run: n tasks and it are n + 1 runnable, and
// may not fit the PUs even where n does.
//
// Quick: 1 task at a time and the full machine; the big parent at the full
// machine only. Tasks per episode: enough that one episode is well above
// timer noise, 32 (quick: 16, as a fork can take milliseconds on a VM),
// rounded up to whole batches.
#pragma once

#include <vector>

#include "contend/fanout/spawn_workload.h"
#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"

namespace contend {

struct SpawnScenario {
  BenchmarkId id;  // impl: the SpawnKind; threads: the batch
  SpawnConfig config;
};

// In kAllSpawnKinds order, then parent size, ladder point.
std::vector<SpawnScenario> spawn_plan(const PlanInput& input);

}  // namespace contend
