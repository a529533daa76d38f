// SpawnWorkload: bench_fanout's spawn_join episodes (spawn.h) on the
// episode runner, like every other benchmark: warm-up episodes, a judge,
// the makespan as the episode's time.
//
// Spawned tasks are not a WorkerGroup (they are what is measured: started
// and reaped within the episode, and not pinned, landing where the
// scheduler puts them, as in a real program), so the workload is its own
// EpisodeSource: an episode spawns `tasks` tasks, `batch` at a time, and
// its makespan runs from the first start to the last reap. A task that did
// not run or ended wrongly is the episode's error. The parent is made
// `parent_mib` MiB big (ResidentBallast) for as long as the workload lives.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "contend/fanout/resident_ballast.h"
#include "contend/fanout/spawn.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/worker_group.h"

namespace contend {

struct SpawnConfig {
  SpawnKind kind = SpawnKind::kStdThread;
  int batch = 1;          // tasks started at once, then waited for
  uint64_t tasks = 32;    // per episode
  size_t parent_mib = 0;  // resident memory of the spawning process
};

class SpawnWorkload {
 public:
  // Throws std::runtime_error if the ballast cannot be mapped.
  explicit SpawnWorkload(const SpawnConfig& config, std::string child_path = spawn_child_path());

  // An EpisodeSource's episode; spawning has no duration, only a task count.
  EpisodeResult run_episode(std::chrono::nanoseconds duration = {});
  // The judge for run_episodes(): items = the tasks of an episode.
  EpisodePlan plan() const;

 private:
  SpawnConfig config_;
  std::string child_path_;
  ResidentBallast ballast_;
};

}  // namespace contend
