// The calibration workloads on this machine: the CAS bounce completes with
// every count adding up, workers run where they were pinned, every futex
// wake is timed; and their judges catch what they exist to catch.
#include <gtest/gtest.h>

#include <sched.h>

#include <string>
#include <vector>

#include "contend/calibration/core_to_core.h"
#include "contend/calibration/pinning_check.h"
#include "contend/calibration/single_thread_floors.h"
#include "contend/harness/worker_group.h"
#include "contend/topology/placement.h"
#include "support/test_machine.h"

namespace contend {
namespace {

// One episode of `workload` on `places`, judged.
template <class Workload>
EpisodeVerdict run_one_episode(Workload& workload, const std::vector<Place>& places) {
  WorkerGroup group(this_machine(), places,
                    [&workload](const WorkerContext& context) { return workload.run(context); });
  workload.prepare();
  const EpisodeResult result = group.run_episode();
  EXPECT_TRUE(result.ok()) << result.error;
  return workload.judge(result);
}

std::vector<Place> two_pus() { return place_workers(this_machine(), PlacementPolicy::kCompact, 2); }

TEST(CoreToCore, EveryRoundTripCompletesAndIsTimed) {
  const std::vector<Place> places = two_pus();
  CoreToCoreWorkload workload({.round_trips = 500}, places, true);
  for (int episode = 0; episode < 2; ++episode) {
    const EpisodeVerdict verdict = run_one_episode(workload, places);
    EXPECT_EQ(verdict.error, "");
    EXPECT_EQ(verdict.items, 500u);
  }
  EXPECT_EQ(workload.round_trips().count(), 1000u);
  EXPECT_GT(workload.round_trips().min(), 0);
  workload.forget_round_trips();
  EXPECT_EQ(workload.round_trips().count(), 0u);
}

TEST(CoreToCore, OneRoundTripIsEnough) {
  const std::vector<Place> places = two_pus();
  CoreToCoreWorkload workload({.round_trips = 1}, places, true);
  EXPECT_EQ(run_one_episode(workload, places).error, "");
  EXPECT_EQ(workload.round_trips().count(), 1u);
}

TEST(CoreToCore, AnEpisodeThatDidNotRunIsAnError) {
  CoreToCoreWorkload workload({.round_trips = 10}, two_pus(), true);
  workload.prepare();
  const EpisodeVerdict verdict = workload.judge(EpisodeResult{});
  EXPECT_NE(verdict.error.find("counts do not add up"), std::string::npos) << verdict.error;
}

TEST(CoreToCore, APeerThatNeverAnswersStallsIntoAnError) {
  // Only worker 0 runs, on this unpinned test thread (so no pinning check):
  // the line never comes back.
  const std::vector<Place> places = two_pus();
  CoreToCoreWorkload workload({.round_trips = 10, .stall_timeout = std::chrono::milliseconds(20)},
                              places, false);
  workload.prepare();
  int64_t done_ns = 0;
  std::atomic<uint32_t> stop{0};
  const WorkerContext first{.index = 0, .workers = 2, .stop = &stop, .work_done_ns = &done_ns};
  EXPECT_EQ(workload.run(first), 0u);
  const EpisodeVerdict verdict = workload.judge(EpisodeResult{});
  EXPECT_NE(verdict.error.find("stalled"), std::string::npos) << verdict.error;
}

TEST(PinningCheck, WorkersRunOnTheirPus) {
  const std::vector<Place> places = two_pus();
  if (places[0].pu == places[1].pu) GTEST_SKIP() << "one PU: nothing to tell apart";
  PinningCheck check(places, true);
  WorkerGroup group(this_machine(), places, [&check](const WorkerContext& context) {
    check.record(context.index);
    return uint64_t{1};
  });
  ASSERT_TRUE(group.run_episode().ok());
  EXPECT_EQ(check.error(), "");
}

TEST(PinningCheck, NamesAWorkerThatRanElsewhere) {
  Place nowhere;
  nowhere.pu = 1 << 20;  // no machine has it: sched_getcpu() cannot return it
  PinningCheck check({nowhere}, true);
  check.record(0);
  EXPECT_NE(check.error().find("pinned to PU 1048576 but ran on CPU"), std::string::npos)
      << check.error();
  PinningCheck unchecked({nowhere}, false);
  unchecked.record(0);
  EXPECT_EQ(unchecked.error(), "");
}

TEST(AtomicRmw, CountsEveryIncrement) {
  const std::vector<Place> places = place_workers(this_machine(), PlacementPolicy::kCompact, 1);
  AtomicRmwWorkload workload(10000);
  const EpisodeVerdict verdict = run_one_episode(workload, places);
  EXPECT_EQ(verdict.error, "");
  EXPECT_EQ(verdict.items, 10000u);
}

TEST(FutexWake, EveryWakeIsTimed) {
  const std::vector<Place> places = two_pus();
  FutexWakeWorkload workload({.wakes = 20, .settle = std::chrono::microseconds(20)}, places, true);
  const EpisodeVerdict verdict = run_one_episode(workload, places);
  EXPECT_EQ(verdict.error, "");
  EXPECT_EQ(verdict.items, 20u);
  EXPECT_EQ(workload.wake_to_run().count(), 20u);
  EXPECT_GT(workload.wake_to_run().min(), 0);
}

TEST(FutexWake, ASleeperNeverWokenStallsIntoAnError) {
  // Only the sleeper runs, on this unpinned test thread (so no pinning check).
  FutexWakeWorkload workload({.wakes = 3, .stall_timeout = std::chrono::milliseconds(20)},
                             two_pus(), false);
  workload.prepare();
  int64_t done_ns = 0;
  std::atomic<uint32_t> stop{0};
  const WorkerContext sleeper{.index = 0, .workers = 2, .stop = &stop, .work_done_ns = &done_ns};
  EXPECT_EQ(workload.run(sleeper), 0u);
  EXPECT_NE(workload.judge(EpisodeResult{}).error.find("stalled"), std::string::npos);
}

}  // namespace
}  // namespace contend
