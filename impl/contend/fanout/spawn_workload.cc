// Spawn episodes. See spawn_workload.h.
#include "contend/fanout/spawn_workload.h"

#include <utility>

#include "contend/harness/clock.h"

namespace contend {

SpawnWorkload::SpawnWorkload(const SpawnConfig& config, std::string child_path)
    : config_(config), child_path_(std::move(child_path)), ballast_(config.parent_mib) {}

EpisodeResult SpawnWorkload::run_episode(std::chrono::nanoseconds) {
  EpisodeResult result;
  result.release_ns = monotonic_ns();
  result.error = spawn_tasks(config_.kind, config_.tasks, config_.batch, child_path_);
  result.makespan_seconds = static_cast<double>(monotonic_ns() - result.release_ns) * 1e-9;
  return result;
}

EpisodePlan SpawnWorkload::plan() const {
  EpisodePlan plan;
  plan.judge = [tasks = config_.tasks](const EpisodeResult&) {
    return EpisodeVerdict{tasks, 0, ""};
  };
  return plan;
}

}  // namespace contend
