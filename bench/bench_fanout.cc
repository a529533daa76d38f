// bench_fanout: threads versus processes for spreading work — the
// tutorial's Thread vs Process, and Pool(n).apply_async; what runs where is
// spawn_plan.h, fanout_plan.h and pool_plan.h.
//
//   spawn/spawn_join     start n tasks, wait for all, repeat: std_thread,
//                        fork, posix_spawn; parent_mib makes the parent big
//                        (resident) to show fork's page-table copy.
//   fanout/hash_sum      a fixed total of CPU-bound work split over n
//                        pre-started threads or processes; results back
//                        through shared memory or (processes) a pipe.
//   pool/apply_async     many tasks through a worker pool (thread pool or
//                        pre-forked process pool on shared-memory queues)
//                        versus a fresh thread/process per task; p50/p99
//                        submit-to-result latency.
#include "contend/fanout/fanout_plan.h"
#include "contend/fanout/fanout_workload.h"
#include "contend/fanout/pool_plan.h"
#include "contend/fanout/pool_workload.h"
#include "contend/fanout/spawn_plan.h"
#include "contend/fanout/spawn_workload.h"
#include "contend/harness/bench_main.h"
#include "contend/harness/counter_names.h"
#include "contend/harness/latency_counters.h"

namespace contend {
namespace {

void run_spawn(benchmark::State& state, const BenchEnvironment& env, const SpawnScenario& s) {
  SpawnWorkload work(s.config);
  run_own_episodes(state, env, work);
}

void run_fanout(benchmark::State& state, const BenchEnvironment& env, const FanoutScenario& s) {
  FanoutWorkload work(s.total_items, static_cast<int>(s.places.size()), s.path);
  run_workload_on_group(state, env, s.places, s.id.mode, work);
}

void run_pool(benchmark::State& state, const BenchEnvironment& env, const PoolScenario& s) {
  PoolWorkload work(s.kind, s.id.mode, s.shape, env.topology, s.places);
  run_workload_on_group(state, env, work.group_places(), s.id.mode, work);
  if (state.error_occurred()) return;
  set_latency_counters(state, work.latencies());
  // run_episodes' fairness would count the client as a worker.
  if (work.pool_fairness() >= 0)
    state.counters[counter_name::kFairness] = work.pool_fairness();
}

void register_all(const BenchEnvironment& env) {
  register_plan(env, spawn_plan(env), run_spawn);
  register_plan(env, fanout_plan(env), run_fanout);
  register_plan(env, pool_plan(env), run_pool);
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_all); }
