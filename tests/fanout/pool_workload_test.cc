// Pools: a thread pool, a pre-forked process pool, and a thread/process per
// task all return every task's result exactly once and measure a latency
// per task; a crashed pool worker is an error; nothing is left behind.
#include "contend/fanout/pool_workload.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <tuple>

#include "support/killed_worker.h"
#include "support/no_leftovers.h"
#include "support/test_machine.h"

namespace contend {
namespace {

using namespace std::chrono_literals;

using PoolCase = std::tuple<PoolKind, WorkerMode>;

class PoolTest : public testing::NoLeftoversWithParam<PoolCase> {
 protected:
  PoolKind kind() const { return std::get<0>(GetParam()); }
  WorkerMode mode() const { return std::get<1>(GetParam()); }
};

TEST_P(PoolTest, EveryTaskComesBackOnceWithItsLatency) {
  constexpr int kWorkers = 2;
  constexpr uint64_t kTasks = 60;
  PoolWorkload work(kind(), mode(), PoolShape{kWorkers, kTasks, 500, 60s}, this_machine(),
                    place_workers(this_machine(), PlacementPolicy::kCompact, kWorkers + 1));
  WorkerGroup group(this_machine(), work.group_places(),
                    [&work](const WorkerContext& c) { return work.run_worker(c); }, mode());
  EXPECT_EQ(group.size(), kind() == PoolKind::kWorkerPool ? kWorkers + 1 : 1);
  EpisodePlan plan = work.plan();
  for (int episode = 0; episode < 3; ++episode) {
    plan.prepare();
    const EpisodeResult result = group.run_episode();
    ASSERT_TRUE(result.ok()) << result.error;
    const EpisodeVerdict verdict = plan.judge(result);
    ASSERT_EQ(verdict.error, "");
    EXPECT_EQ(verdict.items, kTasks);
    EXPECT_EQ(verdict.lost, 0.0);
    // The client collected every task; the pool workers did them all.
    EXPECT_EQ(result.worker_ops[0], kTasks);
    if (kind() == PoolKind::kWorkerPool) {
      EXPECT_EQ(result.total_ops(), 2 * kTasks);
    }
  }
  EXPECT_EQ(work.latencies().count(), 3 * kTasks);
  EXPECT_GT(work.latencies().value_at_percentile(0.5), 0);
  EXPECT_LE(work.latencies().value_at_percentile(0.5), work.latencies().value_at_percentile(0.99));
  if (kind() == PoolKind::kWorkerPool) {
    EXPECT_GT(work.pool_fairness(), 0.0);
    EXPECT_LE(work.pool_fairness(), 1.0);
  } else {
    EXPECT_LT(work.pool_fairness(), 0.0);  // not defined without a pool
  }
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, PoolTest,
    ::testing::Combine(::testing::ValuesIn(kAllPoolKinds),
                       ::testing::Values(WorkerMode::kThread, WorkerMode::kProcess)),
    [](const auto& info) {
      return std::string(to_string(std::get<0>(info.param))) + "_" +
             std::string(to_string(std::get<1>(info.param)));
    });

using PoolCrash = testing::NoLeftovers;

TEST_F(PoolCrash, ACrashedPoolWorkerIsAnErrorNamingTheSignal) {
  PoolWorkload work(PoolKind::kWorkerPool, WorkerMode::kProcess, PoolShape{2, 40, 500, 60s},
                    this_machine(), place_workers(this_machine(), PlacementPolicy::kCompact, 3));
  const std::string error = testing::error_with_killed_worker(work, work.group_places(), 1);
  EXPECT_NE(error.find(testing::kKilledBySigkill), std::string::npos) << error;
}

// A spawned task's latency ends when the task completes, not when the
// client gets round to joining it: a client held up before every join
// (400 ms here) must not show in any task's latency.
class SpawnLatencyTest : public testing::NoLeftoversWithParam<WorkerMode> {};

TEST_P(SpawnLatencyTest, EndsAtTheTasksCompletionNotAtTheJoin) {
  constexpr auto kHeldUp = 400ms;  // far beyond a 500-item task, even under TSan
  PoolWorkload work(PoolKind::kSpawnPerTask, GetParam(), PoolShape{1, 3, 500, 60s},
                    this_machine(), place_workers(this_machine(), PlacementPolicy::kCompact, 2));
  work.set_before_join_for_test([kHeldUp] { std::this_thread::sleep_for(kHeldUp); });
  WorkerGroup group(this_machine(), work.group_places(),
                    [&work](const WorkerContext& c) { return work.run_worker(c); }, GetParam());
  EpisodePlan plan = work.plan();
  plan.prepare();
  const EpisodeResult result = group.run_episode();
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(plan.judge(result).error, "");
  ASSERT_EQ(work.latencies().count(), 3u);
  EXPECT_GT(work.latencies().value_at_percentile(0.01), 0);
  // Each task was joined only after the hold-up; its latency is shorter.
  EXPECT_LT(work.latencies().max(), std::chrono::nanoseconds(kHeldUp).count());
}

INSTANTIATE_TEST_SUITE_P(Modes, SpawnLatencyTest,
                         ::testing::Values(WorkerMode::kThread, WorkerMode::kProcess),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// What the judges of warm-up episodes collected is forgotten before the
// timed episodes: their latencies and pool fairness.
TEST_F(PoolCrash, AfterWarmUpForgetsLatenciesAndFairness) {
  PoolWorkload work(PoolKind::kWorkerPool, WorkerMode::kThread, PoolShape{2, 20, 500, 60s},
                    this_machine(), place_workers(this_machine(), PlacementPolicy::kCompact, 3));
  WorkerGroup group(this_machine(), work.group_places(),
                    [&work](const WorkerContext& c) { return work.run_worker(c); });
  EpisodePlan plan = work.plan();
  plan.prepare();
  ASSERT_EQ(plan.judge(group.run_episode()).error, "");
  ASSERT_EQ(work.latencies().count(), 20u);
  ASSERT_GE(work.pool_fairness(), 0.0);
  ASSERT_TRUE(plan.after_warmup);
  plan.after_warmup();
  EXPECT_EQ(work.latencies().count(), 0u);
  EXPECT_LT(work.pool_fairness(), 0.0);
}

TEST(PoolIds, AreStable) {
  EXPECT_EQ(to_string(PoolKind::kWorkerPool), "worker_pool");
  EXPECT_EQ(to_string(PoolKind::kSpawnPerTask), "spawn_per_task");
}

}  // namespace
}  // namespace contend
