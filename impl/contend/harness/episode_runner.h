// run_episodes: one Google Benchmark instance as a sequence of episodes.
//
// Each benchmark iteration is one episode: prepare the shared state, run
// it (release a WorkerGroup's workers, or whatever an EpisodeSource does),
// judge the result. The makespan is reported as manual time and the items
// as items processed, so Google Benchmark's items_per_second is aggregate
// throughput over wall time.
// A judged violation stops the instance with SkipWithError: an error row,
// never a number.
//
// Before the timed loop, warm-up episodes (EpisodePlan::warmup_episodes,
// --contend_warmup_episodes) run the same way but are neither timed nor
// counted: otherwise every repetition's first timed episode would pay for
// first touch (page faults, cold caches, lazily grown buffers). They are
// judged all the same; a failed warm-up is an error row too.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "contend/harness/worker_group.h"

namespace contend {

struct EpisodeVerdict {
  uint64_t items = 0;   // work the episode completed (what throughput counts)
  double lost = 0;      // items or updates that went missing (reported, not judged)
  std::string error;    // non-empty: the episode's result is wrong
  // Counting episodes only: the increments the counter really holds (for an
  // unsynchronized counter fewer than `items`, which counts attempts).
  // Negative: not a counting episode, and no `counted` counter is set.
  double counted = -1;
};

struct EpisodePlan {
  std::chrono::nanoseconds duration{};   // zero: bodies decide when they are done
  std::function<void()> prepare;         // before each episode (may be empty)
  std::function<EpisodeVerdict(const EpisodeResult&)> judge;
  // Untimed, uncounted episodes before the timed ones (0: none). Benchmarks
  // set it from BenchEnvironment::warmup_episodes.
  int warmup_episodes = 1;
  // Called once after the warm-up episodes (may be empty): forgets what
  // their judges recorded beyond the verdict (latency samples, fairness
  // sums), so that only timed episodes feed the reported figures.
  std::function<void()> after_warmup;
};

// Runs one episode of the given duration and says how it went, as
// WorkerGroup::run_episode does. Anything that times its own work can be
// one (bench_fanout's spawner, whose tasks are not a worker group), so
// that it gets the warm-up, the judge and the counters of every other
// benchmark. A result without worker_ops has no fairness to report.
using EpisodeSource = std::function<EpisodeResult(std::chrono::nanoseconds duration)>;

// Runs the warm-up episodes, then the state's iterations as episodes, and
// sets the counters `items` (per episode), `fairness` (Jain's index, mean;
// only for episodes with per-worker counts), `lost` (per episode) and, when
// the verdicts carry it, `counted` (mean).
void run_episodes(benchmark::State& state, const EpisodeSource& source, const EpisodePlan& plan);
// The usual source: `group`'s episodes.
void run_episodes(benchmark::State& state, WorkerGroup& group, const EpisodePlan& plan);

// Episodes a benchmark ran and judged itself, ahead of Google Benchmark's
// timed loop (bench_queue's open loop, which may run a repetition again
// before it reports it): replay_episodes() then reports them through
// run_episodes, with the same times, counters and errors as if the loop had
// run them. The loop asks for state.max_iterations episodes; record that
// many, or stop at the first that failed.
struct RecordedEpisodes {
  std::vector<EpisodeResult> results;
  std::vector<EpisodeVerdict> verdicts;  // one per result, in order
  bool failed() const { return !verdicts.empty() && !verdicts.back().error.empty(); }
};
void replay_episodes(benchmark::State& state, const RecordedEpisodes& recorded);

}  // namespace contend
