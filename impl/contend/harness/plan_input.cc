// The rules every plan shares. See plan_input.h.
#include "contend/harness/plan_input.h"

#include <algorithm>

#include <utility>

namespace contend {

PlanInput PlanInput::of(Topology topology, bool quick) {
  std::vector<LadderPoint> ladder = build_ladder(topology);
  return PlanInput{std::move(topology), std::move(ladder), quick};
}

std::vector<LadderPoint> PlanInput::points(QuickPoints quick_points, int min_workers) const {
  std::vector<LadderPoint> big_enough;
  for (const LadderPoint& p : ladder)
    if (p.workers >= min_workers) big_enough.push_back(p);
  if (!quick || quick_points == QuickPoints::kAll) return big_enough;

  std::vector<LadderPoint> fitting;
  for (const LadderPoint& p : big_enough)
    if (!p.oversubscribed) fitting.push_back(p);
  switch (quick_points) {
    case QuickPoints::kFitting:
      if (fitting.empty() && !big_enough.empty()) return {big_enough.front()};
      return fitting;
    case QuickPoints::kOneAndFull:
      if (fitting.size() > 1) return {fitting.front(), fitting.back()};
      return fitting;
    case QuickPoints::kFullMachine:
      if (fitting.empty()) return {};
      return {fitting.back()};
    case QuickPoints::kAll:
      break;
  }
  return big_enough;
}

bool PlanInput::is_filler_point(int workers) const {
  const bool on_ladder = std::any_of(ladder.begin(), ladder.end(), [&](const LadderPoint& point) {
    return point.workers == workers && !point.oversubscribed;
  });
  return on_ladder && !is_ladder_boundary(topology, workers);
}

std::vector<DistinctPlacement> PlanInput::placements(int workers,
                                                     QuickPlacements quick_placements) const {
  std::vector<DistinctPlacement> distinct = distinct_placements(topology, workers);
  // Compact is first in kAllPlacements, so the first map is compact's.
  if (quick && quick_placements == QuickPlacements::kCompact) distinct.resize(1);
  if (workers > topology.pu_count()) distinct.resize(1);
  if (is_filler_point(workers)) distinct.resize(1);
  return distinct;
}

}  // namespace contend
