// Spawning tasks: every kind runs every task and reaps every child; a
// program that cannot be spawned is a clear error; the ballast is resident;
// spawn episodes run on the episode runner like any other benchmark's.
#include "contend/fanout/spawn.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "contend/fanout/resident_ballast.h"
#include "contend/fanout/spawn_workload.h"
#include "support/no_leftovers.h"
#include "support/test_machine.h"

namespace contend {
namespace {

class SpawnTest : public testing::NoLeftoversWithParam<SpawnKind> {};

TEST_P(SpawnTest, RunsEveryTaskInBatchesAndReapsThem) {
  // 10 tasks 3 at a time: full batches and a short last one.
  EXPECT_EQ(spawn_tasks(GetParam(), 10, 3), "");
  EXPECT_EQ(spawn_tasks(GetParam(), 1, 4), "");
}

TEST_P(SpawnTest, ModeSaysWhatATaskIs) {
  EXPECT_EQ(spawn_mode(GetParam()),
            GetParam() == SpawnKind::kStdThread ? WorkerMode::kThread : WorkerMode::kProcess);
}

TEST_P(SpawnTest, AnEpisodeSpawnsEveryTaskAndIsTimed) {
  SpawnWorkload work(SpawnConfig{.kind = GetParam(), .batch = 2, .tasks = 6});
  const EpisodeResult result = work.run_episode();
  EXPECT_EQ(result.error, "");
  EXPECT_GT(result.makespan_seconds, 0.0);
  EXPECT_TRUE(result.worker_ops.empty());  // tasks are not workers: no fairness
  EXPECT_EQ(work.plan().judge(result).items, 6u);
}

INSTANTIATE_TEST_SUITE_P(Kinds, SpawnTest, ::testing::ValuesIn(kAllSpawnKinds),
                         [](const auto& info) { return std::string(to_string(info.param)); });

using SpawnErrors = testing::NoLeftovers;

TEST_F(SpawnErrors, AMissingProgramIsAnErrorNamingIt) {
  const std::string error = spawn_tasks(SpawnKind::kPosixSpawn, 5, 2, "/nonexistent/contend_x");
  EXPECT_NE(error.find("posix_spawn /nonexistent/contend_x"), std::string::npos) << error;
}

TEST_F(SpawnErrors, AProgramThatExitsWronglyIsAnError) {
  // /bin/false exits 1 whatever it is told: not the status task 0 must give.
  const std::string error = spawn_tasks(SpawnKind::kPosixSpawn, 4, 2, "/bin/false");
  EXPECT_NE(error.find("exited with status 1"), std::string::npos) << error;
}

TEST_F(SpawnErrors, AFailedTaskIsTheEpisodesError) {
  SpawnWorkload work(SpawnConfig{.kind = SpawnKind::kPosixSpawn, .batch = 1, .tasks = 2},
                     "/nonexistent/contend_x");
  EXPECT_NE(work.run_episode().error.find("posix_spawn /nonexistent/contend_x"), std::string::npos);
}

// Through run_episodes: warm-up, then timed episodes, and the counters the
// spawn rows have always had (items per episode, lost), but no fairness.
using SpawnEpisodes = testing::NoLeftovers;

TEST_F(SpawnEpisodes, RunOnTheEpisodeRunner) {
  benchmark::RegisterBenchmark("spawn_episodes", [](benchmark::State& state) {
    SpawnWorkload work(SpawnConfig{.kind = SpawnKind::kFork, .batch = 2, .tasks = 4});
    run_episodes(state, [&work](std::chrono::nanoseconds) { return work.run_episode(); },
                 work.plan());
  })->UseManualTime()->Iterations(2);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^spawn_episodes/");
  ASSERT_EQ(reporter.runs.size(), 1u);
  const auto& run = reporter.runs[0];
  EXPECT_FALSE(run.error_occurred) << run.error_message;
  EXPECT_EQ(run.iterations, 2);
  EXPECT_DOUBLE_EQ(run.counters.at("items").value, 4.0);
  EXPECT_DOUBLE_EQ(run.counters.at("lost").value, 0.0);
  EXPECT_EQ(run.counters.count("fairness"), 0u);
}

TEST_F(SpawnErrors, TheHelperIsFoundNextToTheExecutable) {
  const std::string path = spawn_child_path();
  EXPECT_TRUE(path.ends_with("/contend_spawn_child")) << path;
  EXPECT_EQ(access(path.c_str(), X_OK), 0) << path << " is not built next to the tests";
}

TEST(ResidentBallast, EveryPageIsResident) {
  ResidentBallast ballast(8);
  ASSERT_EQ(ballast.bytes(), size_t{8} << 20);
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident(ballast.bytes() / page);
  ASSERT_EQ(mincore(const_cast<void*>(ballast.data()), ballast.bytes(), resident.data()), 0);
  size_t missing = 0;
  for (unsigned char flag : resident) missing += (flag & 1) ? 0 : 1;
  EXPECT_EQ(missing, 0u) << "pages not resident";
  EXPECT_EQ(ResidentBallast(0).bytes(), 0u);
}

}  // namespace
}  // namespace contend
