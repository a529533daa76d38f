// Fan-out episodes: results come back complete through shared memory and
// through a pipe, for any worker count; a missing result and a crashed
// worker are errors; nothing is left behind.
#include "contend/fanout/fanout_workload.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "contend/fanout/hash_work.h"
#include "support/killed_worker.h"
#include "support/no_leftovers.h"
#include "support/test_machine.h"

namespace contend {
namespace {

constexpr uint64_t kItems = 300007;

using FanoutCase = std::tuple<ResultPath, WorkerMode>;

class FanoutTest : public testing::NoLeftoversWithParam<FanoutCase> {
 protected:
  ResultPath path() const { return std::get<0>(GetParam()); }
  WorkerMode mode() const { return std::get<1>(GetParam()); }

  // Runs two episodes; `body` wraps the workload's own.
  template <class Body>
  std::string run(int workers, Body body) {
    FanoutWorkload work(kItems, workers, path());
    WorkerGroup group(this_machine(), place_workers(this_machine(), PlacementPolicy::kCompact, workers),
                      [&](const WorkerContext& c) { return body(work, c); }, mode());
    EpisodePlan plan = work.plan();
    for (int episode = 0; episode < 2; ++episode) {
      plan.prepare();
      EpisodeResult result = group.run_episode();
      if (!result.ok()) return result.error;
      EpisodeVerdict verdict = plan.judge(result);
      if (!verdict.error.empty()) return verdict.error;
      if (verdict.items != kItems || result.total_ops() != kItems) return "wrong item count";
    }
    return {};
  }
};

TEST_P(FanoutTest, ThePartsComeBackAndAddUp) {
  for (int workers : {1, 2, 3}) {
    EXPECT_EQ(run(workers, [](FanoutWorkload& w, const WorkerContext& c) { return w.run_worker(c); }),
              "")
        << workers << " workers";
  }
}

TEST_P(FanoutTest, AWorkerThatReportsNothingIsAnError) {
  const std::string error = run(3, [](FanoutWorkload& w, const WorkerContext& c) -> uint64_t {
    if (c.index == 1) return split_work(kItems, 3, 1).size();  // worked, did not report
    return w.run_worker(c);
  });
  const char* expected = path() == ResultPath::kPipe ? "2 results in the pipe for 3 workers"
                                                     : "worker 1 reported no result";
  EXPECT_NE(error.find(expected), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Paths, FanoutTest,
    ::testing::Values(FanoutCase{ResultPath::kSharedMemory, WorkerMode::kThread},
                      FanoutCase{ResultPath::kSharedMemory, WorkerMode::kProcess},
                      FanoutCase{ResultPath::kPipe, WorkerMode::kProcess},
                      FanoutCase{ResultPath::kPipe, WorkerMode::kThread}),
    [](const auto& info) {
      return std::string(to_string(std::get<0>(info.param))) + "_" +
             std::string(to_string(std::get<1>(info.param)));
    });

using FanoutCrash = testing::NoLeftovers;

TEST_F(FanoutCrash, ACrashedWorkerIsAnErrorNamingTheSignal) {
  FanoutWorkload work(kItems, 3, ResultPath::kPipe);
  const std::string error = testing::error_with_killed_worker(
      work, place_workers(this_machine(), PlacementPolicy::kCompact, 3), 2);
  EXPECT_NE(error.find(testing::kKilledBySigkill), std::string::npos) << error;
}

TEST(FanoutIds, AreStable) {
  EXPECT_EQ(to_string(ResultPath::kSharedMemory), "shared_memory");
  EXPECT_EQ(to_string(ResultPath::kPipe), "pipe");
}

}  // namespace
}  // namespace contend
