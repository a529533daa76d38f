// bench_fanout's three plans (spawn, fanout, pool) on synthetic machines:
// the quick subsets, the parent or client counted as runnable, each map once.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "contend/fanout/fanout_plan.h"
#include "contend/fanout/pool_plan.h"
#include "contend/fanout/spawn_plan.h"
#include "support/plan_checks.h"

namespace contend {
namespace {

using testing::plan_input;

template <class Scenario>
std::set<int> thread_counts(const std::vector<Scenario>& plan) {
  std::set<int> out;
  for (const Scenario& s : plan) out.insert(s.id.threads);
  return out;
}

TEST(SpawnPlan, KeepsItsPromisesOnEveryMachine) {
  testing::for_each_plan_input([](const PlanInput& input) {
    const std::vector<SpawnScenario> plan = spawn_plan(input);
    testing::expect_unique_ids(plan);
    // The parent runs beside its n tasks.
    testing::expect_oversubscription_marked(
        plan, input, [](const SpawnScenario& s) { return s.id.threads + 1; });
    for (const SpawnScenario& s : plan) {
      EXPECT_EQ(s.id.placement, PlacementPolicy::kCompact);  // tasks are not pinned
      EXPECT_EQ(s.config.batch, s.id.threads);
      EXPECT_EQ(s.config.tasks % static_cast<uint64_t>(s.config.batch), 0u);
      EXPECT_GE(s.config.tasks, input.quick ? 16u : 32u);
      EXPECT_EQ(std::to_string(s.config.parent_mib), s.id.params.at(0).second);
    }
  });
}

TEST(SpawnPlan, QuickHasTheBigParentAtTheFullMachineOnly) {
  // 8 cores, 16 PUs: ladder 1 2 8 16 17*.
  using Runs = std::set<std::pair<size_t, int>>;  // parent_mib, n
  auto runs = [](bool quick) {
    Runs out;
    for (const SpawnScenario& s : spawn_plan(plan_input("core:8 pu:2", quick)))
      out.emplace(s.config.parent_mib, s.id.threads);
    return out;
  };
  EXPECT_EQ(runs(true), (Runs{{0, 1}, {0, 16}, {64, 16}}));
  EXPECT_EQ(runs(false), (Runs{{0, 1}, {0, 2}, {0, 8}, {0, 16}, {0, 17},
                               {256, 1}, {256, 2}, {256, 8}, {256, 16}, {256, 17}}));
}

TEST(FanoutPlan, KeepsItsPromisesOnEveryMachine) {
  testing::expect_plan_keeps_promises(fanout_plan);
}

TEST(FanoutPlan, QuickIsOneWorkerAndTheFullMachineCompact) {
  // 16 cores, 32 PUs, compact and scatter apart.
  const std::vector<FanoutScenario> quick =
      fanout_plan(plan_input("pack:2 l3:2 core:4 pu:2", true));
  EXPECT_EQ(thread_counts(quick), (std::set<int>{1, 32}));
  for (const FanoutScenario& s : quick) EXPECT_EQ(s.id.placement, PlacementPolicy::kCompact);
  // The same total at every n: items/s across the ladder is speedup.
  for (const FanoutScenario& s : fanout_plan(plan_input("core:4 pu:1", false)))
    EXPECT_EQ(s.total_items, uint64_t{1} << 25);
}

TEST(PoolPlan, KeepsItsPromisesOnEveryMachine) {
  testing::for_each_plan_input([](const PlanInput& input) {
    const std::vector<PoolScenario> plan = pool_plan(input);
    testing::expect_unique_ids(plan);
    testing::expect_distinct_placements(plan);
    // The client is a place of its own, beside the n workers.
    testing::expect_oversubscription_marked(plan, input, [](const PoolScenario& s) {
      EXPECT_EQ(static_cast<int>(s.places.size()), s.id.threads + 1) << s.id.name();
      return static_cast<int>(s.places.size());
    });
    for (const PoolScenario& s : plan) EXPECT_EQ(s.shape.workers, s.id.threads);
  });
  testing::expect_quick_within_full(pool_plan(plan_input("core:2 pu:1", true)),
                                    pool_plan(plan_input("core:2 pu:1", false)));
}

TEST(PoolPlan, QuickIsSmallTasksAtTheFullMachine) {
  const std::vector<PoolScenario> quick = pool_plan(plan_input("core:2 pu:1", true));
  EXPECT_EQ(thread_counts(quick), (std::set<int>{2}));
  for (const PoolScenario& s : quick) EXPECT_EQ(s.id.params.at(0).second, "small");
  // 2 + 1 runnable on 2 cores: the client makes it oversubscribed.
  for (const PoolScenario& s : quick) EXPECT_TRUE(s.id.oversubscribed);
}

// On the 2-core VM, as its reference runs list: 19 instances quick, 51 full.
TEST(FanoutPlans, CountsOnTheTwoCoreMachine) {
  auto count = [](bool quick) {
    const PlanInput input = plan_input("core:2 pu:1", quick);
    return spawn_plan(input).size() + fanout_plan(input).size() + pool_plan(input).size();
  };
  EXPECT_EQ(count(true), 19u);
  EXPECT_EQ(count(false), 47u);  // the pool's large task not at the oversubscribed 3
}

}  // namespace
}  // namespace contend
