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
  for_each_counter_strategy([&]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    for (WorkerMode mode : {WorkerMode::kThread, WorkerMode::kProcess}) {
      const QuickPoints quick =
          mode == WorkerMode::kThread ? QuickPoints::kAll : QuickPoints::kFullMachine;
      for (const LadderPoint& point : input.points(quick)) {
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
