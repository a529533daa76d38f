// What bench_counter measures. See counter_plan.h.
#include "contend/counter/counter_plan.h"

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "contend/counter/counter_strategies.h"

namespace contend {

std::vector<CounterScenario> counter_plan(const PlanInput& input) {
  std::vector<CounterScenario> plan;
  // The largest ladder point that fits the machine (the oversubscribed one
  // where none does).
  int full_machine = input.ladder.front().workers;
  for (const LadderPoint& point : input.ladder)
    if (!point.oversubscribed) full_machine = point.workers;
  for_each_counter_strategy([&]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    for (WorkerMode mode : {WorkerMode::kThread, WorkerMode::kProcess}) {
      const QuickPoints quick =
          mode == WorkerMode::kThread ? QuickPoints::kAll : QuickPoints::kFullMachine;
      for (const LadderPoint& point : input.points(quick)) {
        // Processes, a second mode of the same question, at the grid's
        // small counts and at the full machine only.
        if (mode == WorkerMode::kProcess && !input.full_grid(point.workers) &&
            point.workers != full_machine)
          continue;
        for (DistinctPlacement& map : input.placements(point.workers, QuickPlacements::kAll)) {
          plan.push_back({BenchmarkId{.family = "counter",
                                      .benchmark = "increment",
                                      .impl = std::string(impl),
                                      .mode = mode,
                                      .threads = point.workers,
                                      .placement = map.canonical,
                                      .oversubscribed = input.oversubscribed(point.workers),
                                      .placements = map.covers},
                          std::move(map.places)});
        }
      }
    }
  });
  return plan;
}

}  // namespace contend
