// What the pool family measures. See pool_plan.h.
#include "contend/fanout/pool_plan.h"

#include <cstdint>
#include <string>
#include <utility>

namespace contend {

namespace {

struct TaskSize {
  const char* name;
  uint64_t items;        // hash_sum items per task
  uint64_t pool_tasks;   // per episode, worker_pool
  uint64_t spawn_tasks;  // per episode, spawn_per_task
};
constexpr TaskSize kSmall{"small", 1000, 2000, 200};
constexpr TaskSize kQuickSmall{"small", 1000, 500, 50};
constexpr TaskSize kLarge{"large", 250'000, 100, 100};

}  // namespace

std::vector<PoolScenario> pool_plan(const PlanInput& input) {
  const std::vector<TaskSize> sizes =
      input.quick ? std::vector<TaskSize>{kQuickSmall} : std::vector<TaskSize>{kSmall, kLarge};
  std::vector<PoolScenario> plan;
  for (PoolKind kind : kAllPoolKinds) {
    for (WorkerMode mode : {WorkerMode::kThread, WorkerMode::kProcess}) {
      for (const TaskSize& size : sizes) {
        for (const LadderPoint& point : input.points(QuickPoints::kFullMachine)) {
          const int runnable = point.workers + 1;
          // Past the full grid's counts, the grid's first task size only.
          if (!input.full_grid(point.workers) && size.name != sizes.front().name) continue;
          for (DistinctPlacement& map : input.placements(runnable, QuickPlacements::kCompact)) {
            plan.push_back(
                {BenchmarkId{.family = "pool",
                             .benchmark = "apply_async",
                             .impl = std::string(to_string(kind)),
                             .mode = mode,
                             .threads = point.workers,
                             .placement = map.canonical,
                             .oversubscribed = input.oversubscribed(runnable),
                             .params = {{"task", size.name}},
                             .placements = map.covers},
                 kind,
                 PoolShape{.workers = point.workers,
                           .tasks = kind == PoolKind::kWorkerPool ? size.pool_tasks
                                                                  : size.spawn_tasks,
                           .task_items = size.items},
                 std::move(map.places)});
          }
        }
      }
    }
  }
  return plan;
}

}  // namespace contend
