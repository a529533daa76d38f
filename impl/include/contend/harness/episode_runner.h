// run_episodes: one Google Benchmark instance as a sequence of episodes.
//
// Each benchmark iteration is one episode of a WorkerGroup: prepare the
// shared state, release the workers, judge the result. The makespan is
// reported as manual time and the items as items processed, so Google
// Benchmark's items_per_second is aggregate throughput over wall time.
// A judged violation stops the instance with SkipWithError: an error row,
// never a number.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "contend/harness/worker_group.h"

namespace contend {

struct EpisodeVerdict {
  uint64_t items = 0;   // work the episode completed (what throughput counts)
  double lost = 0;      // items or updates that went missing (reported, not judged)
  std::string error;    // non-empty: the episode's result is wrong
};

struct EpisodePlan {
  std::chrono::nanoseconds duration{};   // zero: bodies decide when they are done
  std::function<void()> prepare;         // before each episode (may be empty)
  std::function<EpisodeVerdict(const EpisodeResult&)> judge;
};

// Runs the state's iterations as episodes and sets the counters `items`
// (per episode), `fairness` (Jain's index, mean) and `lost` (per episode).
void run_episodes(benchmark::State& state, WorkerGroup& group, const EpisodePlan& plan);

}  // namespace contend
