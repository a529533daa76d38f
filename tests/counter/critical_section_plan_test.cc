// counter/critical_section's plan on synthetic machines: the strategies
// with a critical section, in threads, the whole dial where it fits and the
// middle of it elsewhere.
#include "contend/counter/critical_section_plan.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "contend/counter/counter_strategies.h"
#include "contend/counter/critical_section.h"
#include "support/plan_checks.h"

namespace contend {
namespace {

using testing::plan_input;
using Dials = std::set<std::pair<int64_t, int64_t>>;  // (cs_ns, think_ns)

Dials dials_of(const std::vector<CriticalSectionScenario>& plan, int threads) {
  Dials dials;
  for (const CriticalSectionScenario& s : plan)
    if (s.id.threads == threads) dials.emplace(s.dial.cs_ns, s.dial.think_ns);
  return dials;
}

TEST(CriticalSectionPlan, KeepsItsPromisesOnEveryMachine) {
  testing::expect_plan_keeps_promises(critical_section_plan);
}

TEST(CriticalSectionPlan, ImplsAreExactlyTheStrategiesWithACriticalSection) {
  std::vector<std::string> expected;
  for_each_counter_strategy([&]<class Counter>(std::type_identity<Counter>, std::string_view id) {
    if (has_critical_section<Counter>) expected.emplace_back(id);
  });
  ASSERT_EQ(std::set<std::string>(expected.begin(), expected.end()),
            (std::set<std::string>{"std_mutex", "cas_loop", "spin_tas", "spin_ttas",
                                   "spin_ticket", "spin_mcs"}));
  testing::for_each_plan_input([&](const PlanInput& input) {
    std::vector<std::string> seen;  // in strategy order
    for (const CriticalSectionScenario& s : critical_section_plan(input))
      if (seen.empty() || seen.back() != s.id.impl) seen.push_back(s.id.impl);
    EXPECT_EQ(seen, expected);
  });
}

TEST(CriticalSectionPlan, ThreadsOnlyWithTheDialInTheirParams) {
  testing::for_each_plan_input([](const PlanInput& input) {
    for (const CriticalSectionScenario& s : critical_section_plan(input)) {
      EXPECT_EQ(s.id.family, "counter");
      EXPECT_EQ(s.id.benchmark, "critical_section");
      EXPECT_EQ(s.id.mode, WorkerMode::kThread) << s.id.name();
      EXPECT_GE(s.id.threads, 2) << s.id.name();
      const BenchmarkId::Params params{{"cs_ns", std::to_string(s.dial.cs_ns)},
                                       {"think_ns", std::to_string(s.dial.think_ns)}};
      EXPECT_EQ(s.id.params, params) << s.id.name();
    }
  });
}

TEST(CriticalSectionPlan, QuickIsOneDialPointAtTheFullMachine) {
  // Two cores, ladder 1 2 3*: quick at 2 only.
  const auto quick = critical_section_plan(plan_input("core:2 pu:1", true));
  ASSERT_EQ(quick.size(), 6u);
  for (const CriticalSectionScenario& s : quick) {
    EXPECT_EQ(s.id.threads, 2) << s.id.name();
    EXPECT_FALSE(s.id.oversubscribed) << s.id.name();
    EXPECT_EQ(s.dial, kMiddleDial) << s.id.name();
  }
  // 16 cores: the largest point that fits, not the oversubscribed one.
  for (const auto& s : critical_section_plan(plan_input("package:2 core:8 pu:2", true)))
    EXPECT_EQ(s.id.threads, 32) << s.id.name();
  // One PU: nothing fits two workers; the oversubscribed pair, once.
  const auto lone = critical_section_plan(plan_input("core:1 pu:1", true));
  ASSERT_EQ(lone.size(), 6u);
  EXPECT_TRUE(lone.front().id.oversubscribed);
  EXPECT_EQ(lone.front().dial, kMiddleDial);
}

TEST(CriticalSectionPlan, FullIsTheWholeDialUpToTheGridsCountsAndItsMiddlePast) {
  const Dials whole{{0, 0},      {0, 1000},      {0, 10000},   {100, 0},     {100, 1000},
                    {100, 10000}, {1000, 0},     {1000, 1000}, {1000, 10000}};
  const Dials middle{{kMiddleDial.cs_ns, kMiddleDial.think_ns}};
  // Ladder 1 2 8 9*, on one core per worker; the whole grid up to
  // kFullGridWorkers (2), its middle past that and oversubscribed.
  const auto full = critical_section_plan(plan_input("core:8 pu:1", false));
  std::set<int> counts;
  for (const CriticalSectionScenario& s : full) counts.insert(s.id.threads);
  EXPECT_EQ(counts, (std::set<int>{2, 8, 9}));
  EXPECT_EQ(dials_of(full, 2), whole);
  EXPECT_EQ(dials_of(full, 8), middle);
  EXPECT_EQ(dials_of(full, 9), middle);
  for (const CriticalSectionScenario& s : full)
    EXPECT_EQ(s.id.oversubscribed, s.id.threads == 9) << s.id.name();
}

// On the 2-core VM: 6 instances quick, 6 x (9 + 1) full.
TEST(CriticalSectionPlan, CountsOnTheTwoCoreMachine) {
  EXPECT_EQ(critical_section_plan(plan_input("core:2 pu:1", true)).size(), 6u);
  EXPECT_EQ(critical_section_plan(plan_input("core:2 pu:1", false)).size(), 60u);
}

}  // namespace
}  // namespace contend
