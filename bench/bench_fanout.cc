// bench_fanout: threads versus processes for spreading work — the
// tutorial's Thread vs Process, and Pool(n).apply_async.
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
//
// Quick mode registers a small but complete subset: every impl id in every
// mode it has, at 1 and the top non-oversubscribed worker count only.
#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include "contend/fanout/fanout_workload.h"
#include "contend/fanout/pool_workload.h"
#include "contend/fanout/resident_ballast.h"
#include "contend/fanout/spawn.h"
#include "contend/harness/bench_main.h"
#include "contend/harness/counter_names.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_counters.h"
#include "contend/harness/worker_group.h"

namespace contend {
namespace {

constexpr WorkerMode kModes[] = {WorkerMode::kThread, WorkerMode::kProcess};

// The ladder, or in quick mode its first point and its top
// non-oversubscribed point.
std::vector<LadderPoint> ladder_points(const BenchEnvironment& env, bool single = false) {
  if (!env.quick) return env.ladder;
  LadderPoint top = env.ladder.front();
  for (const LadderPoint& p : env.ladder)
    if (!p.oversubscribed) top = p;
  if (single || top.workers == env.ladder.front().workers) return {top};
  return {env.ladder.front(), top};
}

std::vector<PlacementPolicy> placements(const BenchEnvironment& env) {
  if (env.quick) return {PlacementPolicy::kCompact};
  return {std::begin(kAllPlacements), std::end(kAllPlacements)};
}

// ---- spawn ---------------------------------------------------------------

// Tasks per episode: enough that one episode is well above timer noise
// (quick: a quarter, as a fork can take milliseconds on a VM).
constexpr uint64_t kSpawnTasks = 32;
constexpr uint64_t kQuickSpawnTasks = 16;

void run_spawn(benchmark::State& state, SpawnKind kind, int batch, size_t parent_mib, bool quick) {
  const ResidentBallast ballast(parent_mib);
  const std::string child = spawn_child_path();
  const uint64_t per_episode = quick ? kQuickSpawnTasks : kSpawnTasks;
  const uint64_t tasks = (per_episode + batch - 1) / batch * batch;
  uint64_t items = 0;
  int64_t episodes = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const std::string error = spawn_tasks(kind, tasks, batch, child);
    const auto stop = std::chrono::steady_clock::now();
    if (!error.empty()) {
      state.SkipWithError(error.c_str());
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
    items += tasks;
    ++episodes;
  }
  if (episodes == 0) return;
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.counters[counter_name::kItems] = benchmark::Counter(static_cast<double>(tasks));
  state.counters[counter_name::kLost] = benchmark::Counter(0);
}

void register_spawn(const BenchEnvironment& env) {
  const std::vector<size_t> sizes = env.quick ? std::vector<size_t>{0, 64}
                                              : std::vector<size_t>{0, 256};
  for (SpawnKind kind : kAllSpawnKinds) {
    for (size_t mib : sizes) {
      // Quick: the big parent at the top point only.
      for (const LadderPoint& point : ladder_points(env, mib != 0)) {
        // Tasks are not pinned (they go where the scheduler puts them, as
        // in a real program), so placement does not vary here. The parent
        // spawns while its tasks run: n tasks and it may not fit the PUs.
        BenchmarkId id{"spawn", "spawn_join", std::string(to_string(kind)), spawn_mode(kind),
                       point.workers, 0, 0, PlacementPolicy::kCompact,
                       is_oversubscribed(env.topology, point.workers + 1),
                       {{"parent_mib", std::to_string(mib)}}};
        register_instance(id, [kind, batch = point.workers, mib, quick = env.quick](
                                  benchmark::State& state) {
          skip_on_exception(state, [&] { run_spawn(state, kind, batch, mib, quick); });
        });
      }
    }
  }
}

// ---- fanout --------------------------------------------------------------

void run_fanout(benchmark::State& state, const BenchEnvironment& env,
                const std::vector<Place>& places, WorkerMode mode, ResultPath path) {
  // About 25 ms of work for one worker (13 ms quick), whatever the count.
  const uint64_t total = env.quick ? uint64_t{1} << 24 : uint64_t{1} << 25;
  FanoutWorkload work(total, static_cast<int>(places.size()), path);
  WorkerGroup group(env.topology, places,
                    [&work](const WorkerContext& c) { return work.run_worker(c); }, mode);
  EpisodePlan plan = work.plan();
  plan.warmup_episodes = env.warmup_episodes;
  run_episodes(state, group, plan);
}

void register_fanout(const BenchEnvironment& env) {
  struct Variant {
    ResultPath path;
    WorkerMode mode;
  };
  const Variant variants[] = {{ResultPath::kSharedMemory, WorkerMode::kThread},
                              {ResultPath::kSharedMemory, WorkerMode::kProcess},
                              {ResultPath::kPipe, WorkerMode::kProcess}};
  for (const Variant& v : variants) {
    for (PlacementPolicy placement : placements(env)) {
      for (const LadderPoint& point : ladder_points(env)) {
        auto distinct = distinct_placement(env.topology, placement, point.workers);
        if (!distinct) continue;  // same map as an earlier policy: measured there
        BenchmarkId id{"fanout", "hash_sum", std::string(to_string(v.path)), v.mode,
                       point.workers, 0, 0, placement, point.oversubscribed, {}, distinct->covers};
        auto places = distinct->places;
        register_instance(id, [&env, places, v](benchmark::State& state) {
          skip_on_exception(state, [&] { run_fanout(state, env, places, v.mode, v.path); });
        });
      }
    }
  }
}

// ---- pool ----------------------------------------------------------------

struct TaskSize {
  const char* name;
  uint64_t items;           // hash_sum items per task
  uint64_t pool_tasks;      // per episode, worker_pool
  uint64_t spawn_tasks;     // per episode, spawn_per_task (each costs a spawn)
};
// small: about a microsecond of work, dominated by the hand-off;
// large: about 200 us, where the hand-off should vanish.
constexpr TaskSize kSmall{"small", 1000, 2000, 200};
// Quick: the same task, fewer per episode (spawning costs ms a task here).
constexpr TaskSize kQuickSmall{"small", 1000, 500, 50};
constexpr TaskSize kLarge{"large", 250'000, 100, 100};

void run_pool(benchmark::State& state, const BenchEnvironment& env, PoolKind kind,
              WorkerMode mode, const TaskSize& size, const std::vector<Place>& places) {
  const int workers = static_cast<int>(places.size()) - 1;
  const uint64_t tasks = kind == PoolKind::kWorkerPool ? size.pool_tasks : size.spawn_tasks;
  PoolWorkload work(kind, mode, PoolShape{workers, tasks, size.items}, env.topology, places);
  WorkerGroup group(env.topology, work.group_places(),
                    [&work](const WorkerContext& c) { return work.run_worker(c); }, mode);
  EpisodePlan plan = work.plan();
  plan.warmup_episodes = env.warmup_episodes;
  run_episodes(state, group, plan);
  if (state.error_occurred()) return;
  set_latency_counters(state, work.latencies());
  // run_episodes' fairness would count the client as a worker.
  if (work.pool_fairness() >= 0)
    state.counters[counter_name::kFairness] = work.pool_fairness();
}

void register_pool(const BenchEnvironment& env) {
  const std::vector<TaskSize> sizes =
      env.quick ? std::vector<TaskSize>{kQuickSmall} : std::vector<TaskSize>{kSmall, kLarge};
  for (PoolKind kind : kAllPoolKinds) {
    for (WorkerMode mode : kModes) {
      for (const TaskSize& size : sizes) {
        for (PlacementPolicy placement : placements(env)) {
          for (const LadderPoint& point : ladder_points(env, true)) {
            // The client first, then the n pool workers (or task slots).
            auto distinct = distinct_placement(env.topology, placement, point.workers + 1);
            if (!distinct) continue;  // same map as an earlier policy: measured there
            // The client runs beside the n pool workers (or task slots):
            // n + 1 of them may not fit the PUs even where n does.
            BenchmarkId id{"pool", "apply_async", std::string(to_string(kind)), mode,
                           point.workers, 0, 0, placement,
                           is_oversubscribed(env.topology, point.workers + 1),
                           {{"task", size.name}}, distinct->covers};
            auto places = distinct->places;
            register_instance(id, [&env, kind, mode, size, places](benchmark::State& state) {
              skip_on_exception(state, [&] { run_pool(state, env, kind, mode, size, places); });
            });
          }
        }
      }
    }
  }
}

void register_all(const BenchEnvironment& env) {
  register_spawn(env);
  register_fanout(env);
  register_pool(env);
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_all); }
