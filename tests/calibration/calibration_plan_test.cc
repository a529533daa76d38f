// bench_calibration's plan on synthetic machines: every pair of PUs while
// the budget allows, a sample covering every topology level past it, the
// floors once each.
#include "contend/calibration/calibration_plan.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/plan_checks.h"

namespace contend {
namespace {

using testing::plan_input;

std::set<std::string> levels_of(const Topology& topology, const std::vector<PuPair>& pairs) {
  std::set<std::string> levels;
  for (const PuPair& p : pairs) levels.emplace(pair_level(topology, p.a, p.b));
  return levels;
}

void expect_unique_ordered(const std::vector<PuPair>& pairs) {
  std::set<std::pair<int, int>> seen;
  for (const PuPair& p : pairs) {
    EXPECT_LT(p.a, p.b);
    EXPECT_TRUE(seen.emplace(p.a, p.b).second) << p.a << "," << p.b;
  }
}

TEST(CalibrationPlan, KeepsItsPromisesOnEveryMachine) {
  testing::expect_plan_keeps_promises(calibration_plan);
}

TEST(CalibrationPlan, LevelsNameHowTwoPusAreRelated) {
  // 2 packages x 2 L3s x 2 cores x 2 PUs: OS indices in that order.
  const Topology t = Topology::synthetic("pack:2 l3:2 core:2 pu:2");
  EXPECT_EQ(pair_level(t, 0, 1), "smt_sibling");
  EXPECT_EQ(pair_level(t, 0, 2), "same_l3");
  EXPECT_EQ(pair_level(t, 0, 4), "other_l3");
  EXPECT_EQ(pair_level(t, 0, 8), "other_package");
  EXPECT_THROW(pair_level(t, 0, 99), std::invalid_argument);
}

TEST(CalibrationPlan, ListsEveryPairWithinTheBudget) {
  const Topology t = Topology::synthetic("pack:2 l3:1 core:2 pu:2");  // 8 PUs
  const std::vector<PuPair> pairs = calibration_pairs(t, pair_budget(false));
  EXPECT_EQ(pairs.size(), 8u * 7 / 2);
  expect_unique_ordered(pairs);
  EXPECT_EQ(levels_of(t, pairs).size(), 3u);   // one L3 per package: no other_l3
}

TEST(CalibrationPlan, TheTwoPuVmHasOnePair) {
  const PlanInput input = plan_input("core:2 pu:1", true);
  std::vector<std::string> names;
  for (const CalibrationScenario& s : calibration_plan(input)) names.push_back(s.id.benchmark);
  EXPECT_EQ(names, (std::vector<std::string>{"core_to_core", "atomic_rmw", "futex_wake"}));
  EXPECT_EQ(calibration_pairs(input.topology, 1), (std::vector<PuPair>{{0, 1}}));
}

TEST(CalibrationPlan, SamplesABigMachineWithinBudgetCoveringEveryLevel) {
  const Topology t = Topology::synthetic("pack:4 l3:2 core:8 pu:2");  // 128 PUs, 8128 pairs
  for (bool quick : {false, true}) {
    SCOPED_TRACE(quick ? "quick" : "full");
    const std::vector<PuPair> pairs = calibration_pairs(t, pair_budget(quick));
    EXPECT_EQ(pairs.size(), pair_budget(quick));
    expect_unique_ordered(pairs);
    EXPECT_EQ(levels_of(t, pairs),
              (std::set<std::string>{"smt_sibling", "same_l3", "other_l3", "other_package"}));
    EXPECT_EQ(pairs, calibration_pairs(t, pair_budget(quick)));  // deterministic
  }
  // A budget smaller than the levels still takes the nearest ones first.
  EXPECT_EQ(levels_of(t, calibration_pairs(t, 2)),
            (std::set<std::string>{"smt_sibling", "same_l3"}));
}

TEST(CalibrationPlan, PairScenariosNameAndPinTheirPus) {
  const PlanInput input = plan_input("pack:2 l3:2 core:2 pu:2", false);
  for (const CalibrationScenario& s : calibration_plan(input)) {
    if (s.id.benchmark != "core_to_core") continue;
    ASSERT_EQ(s.places.size(), 2u);
    const BenchmarkId::Params expected = {
        {"pu_a", std::to_string(s.places[0].pu)},
        {"pu_b", std::to_string(s.places[1].pu)},
        {"level", std::string(pair_level(input.topology, s.places[0].pu, s.places[1].pu))}};
    EXPECT_EQ(s.id.params, expected);
  }
}

}  // namespace
}  // namespace contend
