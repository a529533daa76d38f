// bench_counter's plan on synthetic machines: every strategy in both modes,
// threads across the whole ladder, processes at the full machine in quick
// mode, each map once.
#include "contend/counter/counter_plan.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "contend/counter/counter_strategies.h"
#include "support/plan_checks.h"

namespace contend {
namespace {

using testing::plan_input;

int strategies() {
  int n = 0;
  for_each_counter_strategy([&]<class C>(std::type_identity<C>, std::string_view) { ++n; });
  return n;
}

// (mode, threads) pairs, per strategy.
std::set<std::pair<WorkerMode, int>> modes_and_counts(const std::vector<CounterScenario>& plan,
                                                     std::string_view impl) {
  std::set<std::pair<WorkerMode, int>> out;
  for (const CounterScenario& s : plan)
    if (s.id.impl == impl) out.emplace(s.id.mode, s.id.threads);
  return out;
}

TEST(CounterPlan, KeepsItsPromisesOnEveryMachine) {
  testing::expect_plan_keeps_promises(counter_plan);
}

TEST(CounterPlan, QuickMeasuresProcessesAtTheFullMachineOnly) {
  // Two cores, ladder 1 2 3*: threads everywhere, processes at 2.
  using Runs = std::set<std::pair<WorkerMode, int>>;
  const Runs quick = modes_and_counts(counter_plan(plan_input("core:2 pu:1", true)), "std_mutex");
  EXPECT_EQ(quick, (Runs{{WorkerMode::kThread, 1}, {WorkerMode::kThread, 2},
                         {WorkerMode::kThread, 3}, {WorkerMode::kProcess, 2}}));
  const Runs full = modes_and_counts(counter_plan(plan_input("core:2 pu:1", false)), "std_mutex");
  // Threads at every point; processes up to kFullGridWorkers and at the
  // full machine, not oversubscribed (a second mode of the same question).
  EXPECT_EQ(full, (Runs{{WorkerMode::kThread, 1}, {WorkerMode::kThread, 2},
                        {WorkerMode::kThread, 3}, {WorkerMode::kProcess, 1},
                        {WorkerMode::kProcess, 2}}));
}

// On the 2-core VM (one L3, no SMT: one map per count), as its reference
// runs list: 44 instances quick, 55 full.
TEST(CounterPlan, CountsOnTheTwoCoreMachine) {
  const auto quick = counter_plan(plan_input("core:2 pu:1", true));
  const auto full = counter_plan(plan_input("core:2 pu:1", false));
  EXPECT_EQ(static_cast<int>(quick.size()), strategies() * (3 + 1));
  EXPECT_EQ(static_cast<int>(full.size()), strategies() * (3 + 2));
  EXPECT_EQ(quick.size(), 44u);
  EXPECT_EQ(full.size(), 55u);
}

TEST(CounterPlan, EveryStrategyInStrategyOrder) {
  std::vector<std::string> expected;
  for_each_counter_strategy(
      [&]<class C>(std::type_identity<C>, std::string_view id) { expected.emplace_back(id); });
  std::vector<std::string> seen;
  for (const CounterScenario& s : counter_plan(plan_input("core:2 pu:1", true)))
    if (seen.empty() || seen.back() != s.id.impl) seen.push_back(s.id.impl);
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace contend
