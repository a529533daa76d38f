// bench_ipc's plan on synthetic machines: every channel between processes,
// thread mode for shm_queue always and the rest in a full run, wider splits
// only for channels that allow them, comparable buffering, each map once.
#include "contend/ipc/ipc_plan.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "contend/ipc/channel_catalog.h"
#include "support/plan_checks.h"

namespace contend {
namespace {

using testing::plan_input;

TEST(IpcPlan, KeepsItsPromisesOnEveryMachine) {
  testing::expect_plan_keeps_promises(ipc_plan);
}

TEST(IpcPlan, QuickIsOneToOneSixtyFourBytesCompactProcesses) {
  for (const IpcScenario& s : ipc_plan(plan_input("pack:2 l3:2 core:4 pu:2", true))) {
    SCOPED_TRACE(s.id.name());
    EXPECT_EQ(s.id.threads, 2);
    EXPECT_EQ(s.channel.message_bytes, 64u);
    EXPECT_EQ(s.id.placement, PlacementPolicy::kCompact);
    if (s.id.mode == WorkerMode::kThread) {
      EXPECT_EQ(s.id.impl, "shm_queue");
    }
  }
}

TEST(IpcPlan, OnlyManyToManyChannelsSplitWider) {
  std::set<std::string> wide;
  for (const IpcScenario& s : ipc_plan(plan_input("core:8 pu:1", false))) {
    if (s.id.threads > 2) wide.insert(s.id.impl);
    if (const auto* shape = std::get_if<ThroughputShape>(&s.shape)) {
      EXPECT_EQ(shape->producers, s.id.producers);
      EXPECT_EQ(shape->consumers, s.id.consumers);
      EXPECT_EQ(shape->message_bytes, s.channel.message_bytes);
    }
    EXPECT_EQ(s.channel.clients, s.id.threads);
  }
  std::set<std::string> many;
  for (const ChannelKind& kind : channel_kinds())
    if (kind.many_to_many) many.insert(std::string(kind.id));
  EXPECT_EQ(wide, many);
}

// About a pipe's 64 KiB of buffer for every channel we size, at least 16
// messages; the broker and posix_mq send fewer messages than the others.
TEST(IpcPlan, ChannelsGetComparableBuffering) {
  for (const IpcScenario& s : ipc_plan(plan_input("core:2 pu:1", false))) {
    const size_t bytes = s.channel.message_bytes;
    EXPECT_EQ(s.channel.capacity, bytes == 4096 ? 16u : (size_t{64} << 10) / bytes) << s.id.name();
    const auto* shape = std::get_if<ThroughputShape>(&s.shape);
    if (!shape) continue;
    const uint64_t full = bytes >= 4096 ? 1000 : 8000;
    const uint64_t expected = s.id.impl == "broker"     ? full / 8
                              : s.id.impl == "posix_mq" ? full / 4
                                                        : full;
    EXPECT_EQ(shape->per_producer, expected) << s.id.name();
  }
}

// On the 2-core VM, as its reference runs list: 12 instances quick, 60 full.
TEST(IpcPlan, CountsOnTheTwoCoreMachine) {
  EXPECT_EQ(ipc_plan(plan_input("core:2 pu:1", true)).size(), 12u);
  EXPECT_EQ(ipc_plan(plan_input("core:2 pu:1", false)).size(), 60u);
}

}  // namespace
}  // namespace contend
