// What the fanout family measures. See fanout_plan.h.
#include "contend/fanout/fanout_plan.h"

#include <string>
#include <utility>

namespace contend {

std::vector<FanoutScenario> fanout_plan(const PlanInput& input) {
  struct Variant {
    ResultPath path;
    WorkerMode mode;
  };
  constexpr Variant kVariants[] = {{ResultPath::kSharedMemory, WorkerMode::kThread},
                                   {ResultPath::kSharedMemory, WorkerMode::kProcess},
                                   {ResultPath::kPipe, WorkerMode::kProcess}};
  const uint64_t total = input.quick ? uint64_t{1} << 24 : uint64_t{1} << 25;
  std::vector<FanoutScenario> plan;
  for (const Variant& v : kVariants) {
    for (const LadderPoint& point : input.points(QuickPoints::kOneAndFull)) {
      for (DistinctPlacement& map : input.placements(point.workers, QuickPlacements::kCompact)) {
        plan.push_back({BenchmarkId{.family = "fanout",
                                    .benchmark = "hash_sum",
                                    .impl = std::string(to_string(v.path)),
                                    .mode = v.mode,
                                    .threads = point.workers,
                                    .placement = map.canonical,
                                    .oversubscribed = input.oversubscribed(point.workers),
                                    .placements = map.covers},
                        v.path, total, std::move(map.places)});
      }
    }
  }
  return plan;
}

}  // namespace contend
