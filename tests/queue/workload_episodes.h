// run_episodes_of: a workload's episodes (prepare, run, judge) on a worker
// group of this machine, as the harness runs them but without Google
// Benchmark, for the queue workload tests.
#pragma once

#include <gtest/gtest.h>

#include "contend/harness/episode_runner.h"
#include "contend/harness/worker_group.h"
#include "contend/topology/placement.h"
#include "support/test_machine.h"

namespace contend {

// Runs `episodes` episodes and returns the first error verdict, or the
// last verdict when all passed.
template <class Workload>
EpisodeVerdict run_episodes_of(Workload& workload, int workers, int episodes = 2) {
  WorkerGroup group(this_machine(), place_workers(this_machine(), PlacementPolicy::kCompact, workers),
                    [&workload](const WorkerContext& context) { return workload.run(context); });
  EpisodeVerdict verdict;
  for (int e = 0; e < episodes; ++e) {
    workload.prepare();
    EpisodeResult result = group.run_episode();
    EXPECT_TRUE(result.ok()) << result.error;
    verdict = workload.judge(result);
    if (!verdict.error.empty()) break;
  }
  return verdict;
}

}  // namespace contend
