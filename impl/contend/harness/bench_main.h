// bench_main: the shared main() of every bench_* binary.
//
// Strips contend's own flags, discovers the topology, records the build in
// Google Benchmark's context, lets the binary register its instances for
// this machine's ladder, then hands over to Google Benchmark. Bad flags are
// one line on stderr and exit status 2.
//
// contend flags:
//   --contend_quick           shorter episodes and fewer scenario variants
//   --contend_episode_ms=N    length of a timed episode (default 10, quick 2)
//   --contend_warmup_episodes=N
//                             untimed episodes before each repetition's timed
//                             ones (default 1, 0 for none); recorded in the
//                             context as contend_warmup_episodes
//   --contend_episodes=N      exactly N timed episodes per repetition, one
//                             call of the benchmark (Iterations(N)), instead
//                             of Google Benchmark growing the count towards
//                             --benchmark_min_time: every round then does the
//                             same work, and the worker group is built once
//                             per repetition instead of once per probe
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <exception>
#include <functional>
#include <vector>

#include "contend/harness/benchmark_id.h"
#include "contend/topology/ladder.h"
#include "contend/topology/topology.h"

namespace contend {

struct BenchEnvironment {
  Topology topology;
  std::vector<LadderPoint> ladder;
  bool quick = false;
  std::chrono::milliseconds episode{10};
  int warmup_episodes = 1;  // every EpisodePlan's warmup_episodes
  int episodes = 0;         // timed episodes per repetition; 0: min_time decides
};

// Removes contend's flags from argv (Google Benchmark rejects unknown
// ones) and builds the environment; throws std::invalid_argument on a bad
// flag.
BenchEnvironment parse_contend_flags(int& argc, char** argv);

// True when `workers` threads or processes cannot each have an allowed PU
// of their own. Scenarios that start a client or parent beside their
// ladder point's workers ask this of the total, not of the ladder point.
inline bool is_oversubscribed(const Topology& topology, int workers) {
  return workers > topology.pu_count();
}

using Registrar = std::function<void(const BenchEnvironment&)>;

int bench_main(int argc, char** argv, const Registrar& register_benchmarks);

// Registers `run` under id.name() with manual time; `run` is called once
// per repetition.
void register_instance(const BenchmarkId& id, std::function<void(benchmark::State&)> run);

// Runs `body`; an exception it throws (a pipe or mapping that cannot be
// made, a worker that cannot start) becomes this instance's error row
// instead of terminating the binary and every instance after it.
template <class Body>
void skip_on_exception(benchmark::State& state, Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

}  // namespace contend
