// What counter/critical_section measures. See critical_section_plan.h.
#include "contend/counter/critical_section_plan.h"

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "contend/counter/counter_strategies.h"
#include "contend/counter/critical_section.h"

namespace contend {

namespace {

// Contention needs two workers. Quick keeps the largest fitting point
// (kFitting's list ends there; where nothing fits it is the oversubscribed
// point alone); full keeps every point.
std::vector<LadderPoint> contended_points(const PlanInput& input) {
  std::vector<LadderPoint> points = input.points(QuickPoints::kFitting, 2);
  if (input.quick && points.size() > 1) points.erase(points.begin(), points.end() - 1);
  return points;
}

std::vector<ContentionDial> dials_at(const PlanInput& input, int workers, bool oversubscribed) {
  if (input.quick || oversubscribed || !input.full_grid(workers)) return {kMiddleDial};
  std::vector<ContentionDial> dials;
  for (int64_t cs_ns : kCriticalSectionNs)
    for (int64_t think_ns : kThinkNs) dials.push_back({.cs_ns = cs_ns, .think_ns = think_ns});
  return dials;
}

BenchmarkId::Params params_of(const ContentionDial& dial) {
  return {{"cs_ns", std::to_string(dial.cs_ns)}, {"think_ns", std::to_string(dial.think_ns)}};
}

}  // namespace

std::vector<CriticalSectionScenario> critical_section_plan(const PlanInput& input) {
  std::vector<CriticalSectionScenario> plan;
  for_each_counter_strategy([&]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    if constexpr (has_critical_section<Counter>) {
      for (const LadderPoint& point : contended_points(input)) {
        const bool oversubscribed = input.oversubscribed(point.workers);
        const std::vector<DistinctPlacement> maps =
            input.placements(point.workers, QuickPlacements::kCompact);
        for (size_t m = 0; m < maps.size(); ++m) {
          const DistinctPlacement& map = maps[m];
          // The dial under the first map; other maps at its middle setting:
          // placement is asked once, not at every dial setting.
          const std::vector<ContentionDial> dials =
              m == 0 ? dials_at(input, point.workers, oversubscribed)
                     : std::vector<ContentionDial>{kMiddleDial};
          for (const ContentionDial& dial : dials) {
            plan.push_back({BenchmarkId{.family = "counter",
                                        .benchmark = "critical_section",
                                        .impl = std::string(impl),
                                        .mode = WorkerMode::kThread,
                                        .threads = point.workers,
                                        .placement = map.canonical,
                                        .oversubscribed = oversubscribed,
                                        .params = params_of(dial),
                                        .placements = map.covers},
                            map.places, dial});
          }
        }
      }
    }
  });
  return plan;
}

}  // namespace contend
