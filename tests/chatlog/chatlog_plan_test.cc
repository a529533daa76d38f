// bench_chatlog's plan on synthetic machines: quick keeps durability none
// at the full machine for every design and no crash rows; the full run adds
// the fsync policies and one crash row per design and policy.
#include "contend/chatlog/chatlog_plan.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/plan_checks.h"

namespace contend::chatlog {
namespace {

std::string param(const ChatlogScenario& s, const std::string& key) {
  for (const auto& [k, v] : s.id.params)
    if (k == key) return v;
  return "";
}

TEST(ChatlogPlan, KeepsItsPromisesOnEveryMachine) {
  contend::testing::for_each_plan_input([](const PlanInput& input) {
    const std::vector<ChatlogScenario> plan = chatlog_plan(input);
    contend::testing::expect_unique_ids(plan);
    contend::testing::expect_oversubscription_marked(plan, input, [](const ChatlogScenario& s) {
      return s.config.senders + s.config.receivers +
             (s.config.design == WriterDesign::kDirectWrite ? 0 : 1);
    });
    std::set<std::string> designs;
    int crash_rows = 0;
    for (const ChatlogScenario& s : plan) {
      designs.insert(s.id.impl);
      EXPECT_EQ(s.id.family, "chatlog");
      EXPECT_EQ(s.id.threads, s.config.senders);
      EXPECT_EQ(param(s, "durability"), to_string(s.config.durability.policy));
      EXPECT_EQ(param(s, "msgs"), std::to_string(s.config.per_sender));
      EXPECT_EQ(s.places.size(), size_t(s.config.senders));
      EXPECT_TRUE(s.config.scratch_dir.empty());  // the binary's flag decides
      crash_rows += s.crash;
      if (input.quick) {
        EXPECT_EQ(s.config.durability.policy, DurabilityPolicy::kNone);
      }
    }
    EXPECT_EQ(designs.size(), 4u);
    EXPECT_EQ(crash_rows, input.quick ? 0 : 12);
    if (input.quick) {
      EXPECT_EQ(plan.size(), 4u);
    }
  });
}

}  // namespace
}  // namespace contend::chatlog
