// What the spawn family measures. See spawn_plan.h.
#include "contend/fanout/spawn_plan.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace contend {

std::vector<SpawnScenario> spawn_plan(const PlanInput& input) {
  const std::vector<size_t> parent_mibs = input.quick ? std::vector<size_t>{0, 64}
                                                      : std::vector<size_t>{0, 256};
  const uint64_t per_episode = input.quick ? 16 : 32;
  std::vector<SpawnScenario> plan;
  for (SpawnKind kind : kAllSpawnKinds) {
    for (size_t mib : parent_mibs) {
      const QuickPoints quick = mib == 0 ? QuickPoints::kOneAndFull : QuickPoints::kFullMachine;
      for (const LadderPoint& point : input.points(quick)) {
        const auto batch = static_cast<uint64_t>(point.workers);
        plan.push_back({BenchmarkId{.family = "spawn",
                                    .benchmark = "spawn_join",
                                    .impl = std::string(to_string(kind)),
                                    .mode = spawn_mode(kind),
                                    .threads = point.workers,
                                    .oversubscribed = input.oversubscribed(point.workers + 1),
                                    .params = {{"parent_mib", std::to_string(mib)}}},
                        SpawnConfig{.kind = kind,
                                    .batch = point.workers,
                                    .tasks = (per_episode + batch - 1) / batch * batch,
                                    .parent_mib = mib}});
      }
    }
  }
  return plan;
}

}  // namespace contend
