// A worker that dies by SIGKILL mid-episode, for the tests that check a
// workload reports it: the episode's error must name the signal.
#pragma once

#include <signal.h>

#include <string>
#include <vector>

#include "contend/harness/episode_runner.h"
#include "contend/harness/worker_group.h"
#include "contend/topology/placement.h"
#include "support/test_machine.h"

namespace contend::testing {

// What WorkerGroup says of a worker process killed by SIGKILL.
inline constexpr char kKilledBySigkill[] = "killed by signal 9 (Killed)";

// One episode of `work` (anything with run_worker() and plan(): the
// fan-out and pool workloads) in worker processes at `places`, where
// worker `victim` SIGKILLs itself instead of working; the episode's error.
// SIGKILL, not SIGSEGV: sanitizers catch SIGSEGV and exit instead.
template <class Work>
std::string error_with_killed_worker(Work& work, const std::vector<Place>& places, int victim) {
  WorkerGroup group(this_machine(), places,
                    [&work, victim](const WorkerContext& c) {
                      if (c.index == victim) raise(SIGKILL);
                      return work.run_worker(c);
                    },
                    WorkerMode::kProcess);
  EpisodePlan plan = work.plan();
  if (plan.prepare) plan.prepare();
  return group.run_episode().error;
}

}  // namespace contend::testing
