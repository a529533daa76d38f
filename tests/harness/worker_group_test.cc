// WorkerGroup and run_episodes: the start gate, makespan, pinning, errors,
// and (in process mode) that nothing is left behind.
#include "contend/harness/worker_group.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "contend/harness/episode_runner.h"
#include "contend/harness/shared_memory.h"
#include "support/test_machine.h"

namespace contend {
namespace {

// Three workers even on a 2-PU machine: the gate must work oversubscribed.
std::vector<Place> places(int n = 3) {
  return place_workers(this_machine(), PlacementPolicy::kCompact, n);
}

// True when this process has no child left, running or zombie.
bool no_children_left() { return waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

class WorkerGroupTest : public ::testing::TestWithParam<WorkerMode> {};

// Every worker must be inside its body at the same time: each waits for all
// the others to check in. A gate that released workers one episode at a
// time, or lost one, would leave them waiting until the deadline.
TEST_P(WorkerGroupTest, AllWorkersAreReleasedTogether) {
  constexpr int kWorkers = 3;
  struct Meeting {
    std::atomic<int> checked_in{0};
    std::atomic<int> met{0};
  };
  Shared<Meeting> meeting;
  Meeting* m = meeting.get();
  WorkerGroup group(this_machine(), places(kWorkers), [m](const WorkerContext&) -> uint64_t {
    m->checked_in.fetch_add(1);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (m->checked_in.load() % kWorkers != 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    if (m->checked_in.load() % kWorkers == 0) m->met.fetch_add(1);
    return 1;
  }, GetParam());
  for (int episode = 1; episode <= 3; ++episode) {
    EpisodeResult result = group.run_episode();
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(m->met.load(), kWorkers * episode);
  }
}

TEST_P(WorkerGroupTest, MakespanCoversEveryWorkersOwnTime) {
  WorkerGroup group(this_machine(), places(), [](const WorkerContext& c) -> uint64_t {
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * (c.index + 1)));
    return static_cast<uint64_t>(c.index + 10);
  }, GetParam());
  EpisodeResult result = group.run_episode();
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.worker_seconds.size(), 3u);
  for (double own : result.worker_seconds) EXPECT_GE(result.makespan_seconds, own);
  EXPECT_EQ(result.worker_ops, (std::vector<uint64_t>{10, 11, 12}));
  EXPECT_EQ(result.total_ops(), 33u);
}

TEST_P(WorkerGroupTest, TimedEpisodesStopTheWorkers) {
  WorkerGroup group(this_machine(), places(), [](const WorkerContext& c) -> uint64_t {
    uint64_t spins = 0;
    while (!c.stop_requested()) ++spins;
    return spins;
  }, GetParam());
  EpisodeResult result = group.run_episode(std::chrono::milliseconds(5));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_GE(result.makespan_seconds, 0.005);
  EXPECT_GT(result.fairness(), 0.0);
  EXPECT_LE(result.fairness(), 1.0);
}

TEST_P(WorkerGroupTest, WorkersArePinnedToTheirPlaces) {
  if (!this_machine().is_this_system()) GTEST_SKIP() << "topology is not this machine";
  auto plan = places(2);
  Shared<std::array<std::atomic<int>, 2>> seen;
  auto* cpus = seen.get();
  WorkerGroup group(this_machine(), plan, [cpus](const WorkerContext& c) -> uint64_t {
    (*cpus)[c.index].store(sched_getcpu());
    return 1;
  }, GetParam());
  ASSERT_TRUE(group.run_episode().ok());
  for (int w = 0; w < 2; ++w) EXPECT_EQ((*cpus)[w].load(), plan[w].pu) << "worker " << w;
}

TEST_P(WorkerGroupTest, ABodyThatThrowsIsAnError) {
  WorkerGroup group(this_machine(), places(), [](const WorkerContext& c) -> uint64_t {
    if (c.index == 1) throw std::runtime_error("boom");
    return 1;
  }, GetParam());
  EpisodeResult result = group.run_episode();
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("boom"), std::string::npos) << result.error;
}

TEST_P(WorkerGroupTest, NothingIsLeftBehind) {
  {
    WorkerGroup group(this_machine(), places(), [](const WorkerContext&) -> uint64_t { return 1; },
                      GetParam());
    ASSERT_TRUE(group.run_episode().ok());
  }
  EXPECT_TRUE(no_children_left());
}

INSTANTIATE_TEST_SUITE_P(Modes, WorkerGroupTest,
                         ::testing::Values(WorkerMode::kThread, WorkerMode::kProcess),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(WorkerGroupProcess, ACrashingChildIsAnErrorNamingTheSignal) {
  {
    WorkerGroup group(this_machine(), places(), [](const WorkerContext& c) -> uint64_t {
      // SIGKILL, not SIGSEGV: sanitizers catch SIGSEGV and exit instead.
      if (c.index == 2) raise(SIGKILL);
      return 1;
    }, WorkerMode::kProcess);
    EpisodeResult result = group.run_episode();
    EXPECT_FALSE(result.ok());
    EXPECT_NE(result.error.find("killed by SIGKILL"), std::string::npos) << result.error;
    // A broken group stays broken instead of waiting for the dead child.
    EXPECT_FALSE(group.run_episode().ok());
  }
  EXPECT_TRUE(no_children_left());
}

TEST(WorkerGroupProcess, WorkersWriteResultsIntoSharedMemory) {
  Shared<std::atomic<uint64_t>> total(0);
  auto* sum = total.get();
  WorkerGroup group(this_machine(), places(), [sum](const WorkerContext& c) -> uint64_t {
    sum->fetch_add(static_cast<uint64_t>(c.index) + 1);
    return 1;
  }, WorkerMode::kProcess);
  ASSERT_TRUE(group.run_episode().ok());
  ASSERT_TRUE(group.run_episode().ok());
  EXPECT_EQ(sum->load(), 2u * (1 + 2 + 3));
}

std::vector<benchmark::BenchmarkReporter::Run> run_one(const std::string& name,
                                                       const EpisodePlan& plan) {
  benchmark::RegisterBenchmark(name.c_str(), [plan](benchmark::State& state) {
    WorkerGroup group(this_machine(), places(2), [](const WorkerContext&) -> uint64_t { return 7; });
    run_episodes(state, group, plan);
  })->UseManualTime()->Iterations(3);
  CollectingReporter reporter;
  // UseManualTime() appends "/manual_time" to the name.
  benchmark::RunSpecifiedBenchmarks(&reporter, "^" + name + "/");
  return reporter.runs;
}

TEST(RunEpisodes, ReportsItemsFairnessAndLost) {
  EpisodePlan plan;
  plan.judge = [](const EpisodeResult& r) { return EpisodeVerdict{r.total_ops(), 1.0, ""}; };
  auto runs = run_one("episodes_ok", plan);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_FALSE(runs[0].error_occurred);
  EXPECT_EQ(runs[0].iterations, 3);
  EXPECT_DOUBLE_EQ(runs[0].counters.at("items").value, 14.0);
  EXPECT_DOUBLE_EQ(runs[0].counters.at("fairness").value, 1.0);
  EXPECT_DOUBLE_EQ(runs[0].counters.at("lost").value, 1.0);
}

TEST(RunEpisodes, AFailingCheckBecomesAnErrorNotANumber) {
  EpisodePlan plan;
  plan.judge = [](const EpisodeResult&) { return EpisodeVerdict{1, 0, "3 items lost"}; };
  auto runs = run_one("episodes_bad", plan);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].error_occurred);
  EXPECT_EQ(runs[0].error_message, "3 items lost");
}

}  // namespace
}  // namespace contend
