// The rules every plan shares: the oversubscription test, the quick
// subsets of the ladder, the placements a run tries.
#include "contend/harness/plan_input.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "support/plan_checks.h"
#include "support/test_machine.h"

namespace contend {
namespace {

using testing::plan_input;
using Rungs = std::vector<std::pair<int, bool>>;

Rungs rungs(const std::vector<LadderPoint>& points) {
  Rungs out;
  for (const LadderPoint& p : points) out.emplace_back(p.workers, p.oversubscribed);
  return out;
}

// A client or parent beside n workers makes n + 1: oversubscribed as soon
// as that exceeds the allowed PUs, even where n alone does not.
TEST(PlanInput, OversubscriptionCountsEveryoneWhoRuns) {
  const PlanInput two = plan_input("core:2 pu:1", false);
  EXPECT_FALSE(two.oversubscribed(2));
  EXPECT_TRUE(two.oversubscribed(2 + 1));
  const PlanInput here = PlanInput::of(this_machine(), false);
  EXPECT_FALSE(here.oversubscribed(this_machine().pu_count()));
  EXPECT_TRUE(here.oversubscribed(this_machine().pu_count() + 1));
}

// The ladder's own mark is the same test of its worker count.
TEST(PlanInput, TheLadderMarkIsTheSameTest) {
  for (const char* machine : testing::kPlanMachines) {
    const PlanInput input = plan_input(machine, false);
    for (const LadderPoint& p : input.ladder)
      EXPECT_EQ(p.oversubscribed, input.oversubscribed(p.workers)) << machine << " " << p.workers;
  }
}

TEST(PlanInput, AFullRunMeasuresEveryPoint) {
  const PlanInput full = plan_input("core:2 pu:1", false);
  for (QuickPoints q : {QuickPoints::kAll, QuickPoints::kFitting, QuickPoints::kOneAndFull,
                        QuickPoints::kFullMachine})
    EXPECT_EQ(rungs(full.points(q)), (Rungs{{1, false}, {2, false}, {3, true}}));
  EXPECT_EQ(rungs(full.points(QuickPoints::kFitting, 2)), (Rungs{{2, false}, {3, true}}));
}

TEST(PlanInput, QuickSubsetsOnTwoCores) {
  const PlanInput quick = plan_input("core:2 pu:1", true);
  EXPECT_EQ(rungs(quick.points(QuickPoints::kAll)), (Rungs{{1, false}, {2, false}, {3, true}}));
  EXPECT_EQ(rungs(quick.points(QuickPoints::kFitting)), (Rungs{{1, false}, {2, false}}));
  EXPECT_EQ(rungs(quick.points(QuickPoints::kFitting, 2)), (Rungs{{2, false}}));
  EXPECT_EQ(rungs(quick.points(QuickPoints::kOneAndFull)), (Rungs{{1, false}, {2, false}}));
  EXPECT_EQ(rungs(quick.points(QuickPoints::kFullMachine)), (Rungs{{2, false}}));
}

TEST(PlanInput, TheFullMachineIsTheLargestPointThatFits) {
  // 8 cores with SMT: ladder 1 2 8 16 17*.
  const PlanInput quick = plan_input("core:8 pu:2", true);
  EXPECT_EQ(rungs(quick.points(QuickPoints::kFullMachine)), (Rungs{{16, false}}));
  EXPECT_EQ(rungs(quick.points(QuickPoints::kOneAndFull)), (Rungs{{1, false}, {16, false}}));
  EXPECT_EQ(rungs(quick.points(QuickPoints::kFitting, 2)),
            (Rungs{{2, false}, {8, false}, {16, false}}));
}

// A full run measures each grid whole up to kFullGridWorkers; the points
// past it are thinned. Quick runs keep their own rules.
TEST(PlanInput, GridsAreWholeAtSmallCountsAndOnTheFullMachine) {
  const PlanInput full = plan_input("pack:2 l3:4 core:8 pu:2", false);  // 64 cores
  EXPECT_TRUE(full.full_grid(1));
  EXPECT_TRUE(full.full_grid(kFullGridWorkers));
  EXPECT_FALSE(full.full_grid(kFullGridWorkers * 2));
  EXPECT_FALSE(full.full_grid(64));
  EXPECT_FALSE(full.full_grid(129));
  EXPECT_TRUE(plan_input("pack:2 l3:4 core:8 pu:2", true).full_grid(129));
}

// Past the PU count every map wraps: one map, under compact.
TEST(PlanInput, OversubscribedPointsGetOnePlacement) {
  const PlanInput full = plan_input("pack:2 l3:2 core:4 pu:1", false);
  EXPECT_EQ(full.placements(16, QuickPlacements::kAll).size(), 2u);
  const std::vector<DistinctPlacement> past = full.placements(17, QuickPlacements::kAll);
  ASSERT_EQ(past.size(), 1u);
  EXPECT_EQ(past[0].canonical, PlacementPolicy::kCompact);
}

// Between boundaries (2 x 64 cores, 8 per L3: 16 and 32 fill 8 to 64) a
// point is for the curve's shape: compact's map alone; a boundary keeps both.
TEST(PlanInput, FillerPointsGetOnePlacement) {
  const PlanInput full = plan_input("pack:2 l3:8 core:8 pu:1", false);
  EXPECT_TRUE(full.is_filler_point(32));
  EXPECT_FALSE(full.is_filler_point(64));
  EXPECT_FALSE(full.is_filler_point(129));  // the oversubscribed point: its own rule
  EXPECT_FALSE(full.is_filler_point(33));   // not on the ladder
  EXPECT_EQ(full.placements(64, QuickPlacements::kAll).size(), 2u);
  EXPECT_EQ(full.placements(33, QuickPlacements::kAll).size(), 2u);
  const std::vector<DistinctPlacement> filler = full.placements(32, QuickPlacements::kAll);
  ASSERT_EQ(filler.size(), 1u);
  EXPECT_EQ(filler[0].canonical, PlacementPolicy::kCompact);
}

// One PU: the full machine is one worker, and a scenario of two workers
// fits nowhere, so its quick run keeps the oversubscribed point.
TEST(PlanInput, OnOnePuNothingIsLost) {
  const PlanInput quick = plan_input("core:1 pu:1", true);
  EXPECT_EQ(rungs(quick.points(QuickPoints::kOneAndFull)), (Rungs{{1, false}}));
  EXPECT_EQ(rungs(quick.points(QuickPoints::kFullMachine)), (Rungs{{1, false}}));
  EXPECT_EQ(rungs(quick.points(QuickPoints::kFitting)), (Rungs{{1, false}}));
  EXPECT_EQ(rungs(quick.points(QuickPoints::kFitting, 2)), (Rungs{{2, true}}));
}

TEST(PlanInput, QuickCompactKeepsCompactsMapOnly) {
  // Two packages: compact and scatter differ from two workers on.
  const char* machine = "pack:2 l3:2 core:4 pu:2";
  for (bool quick : {false, true}) {
    const PlanInput input = plan_input(machine, quick);
    const std::vector<DistinctPlacement> all = input.placements(4, QuickPlacements::kAll);
    const std::vector<DistinctPlacement> compact = input.placements(4, QuickPlacements::kCompact);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].canonical, PlacementPolicy::kCompact);
    EXPECT_EQ(all[1].canonical, PlacementPolicy::kScatter);
    ASSERT_EQ(compact.size(), quick ? 1u : 2u);
    EXPECT_EQ(testing::pus_of(compact[0].places), testing::pus_of(all[0].places));
  }
  // One L3, no SMT: one map, standing for both policies, whatever the run.
  const PlanInput two = plan_input("core:2 pu:1", true);
  const std::vector<DistinctPlacement> one = two.placements(2, QuickPlacements::kCompact);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].covers,
            (std::vector<PlacementPolicy>{PlacementPolicy::kCompact, PlacementPolicy::kScatter}));
}

}  // namespace
}  // namespace contend
