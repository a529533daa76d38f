// What bench_fanout's pool family measures on a machine: many tasks through
// n workers, a worker_pool (thread pool, or pre-forked process pool) against
// spawn_per_task (a fresh thread or process per task, n in flight), in both
// modes, for small and large tasks, at each ladder point n and placement map.
//
// Task sizes (task:small|large): small is about a microsecond of work,
// dominated by the hand-off; large about 200 us, where the hand-off should
// vanish. A spawn_per_task episode runs fewer small tasks (each costs a
// spawn). Quick: small tasks only, fewer per episode (spawning costs
// milliseconds a task here), at the full machine, compact's map only.
//
// The client that submits and collects is worker 0, beside the n pool
// workers (or task slots): places has n + 1 entries, and n + 1 may not fit
// the PUs even where n does (the instance is then oversubscribed).
#pragma once

#include <vector>

#include "contend/fanout/pool_workload.h"
#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/topology/placement.h"

namespace contend {

struct PoolScenario {
  BenchmarkId id;  // impl: the PoolKind; threads: n
  PoolKind kind;
  PoolShape shape;
  std::vector<Place> places;  // the client's, then the n pool workers'
};

// In kAllPoolKinds order, then mode, task size, ladder point, placement.
std::vector<PoolScenario> pool_plan(const PlanInput& input);

}  // namespace contend
