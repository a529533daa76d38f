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
//   --contend_hgrm=FILE       after the last benchmark, write every latency
//                             the process reported (set_latency_counters:
//                             each instance's reported repetitions, merged)
//                             to FILE as an HdrHistogram .hgrm percentile
//                             distribution in microseconds (latency_export.h);
//                             no file when nothing recorded latencies. FILE
//                             is written as FILE.tmp and renamed: it is
//                             whole or absent.
//   --contend_scratch=DIR     where benchmarks write temporary files (the
//                             chatlog family's chat files): an existing,
//                             writable directory, else a one-line error and
//                             exit status 2. Without it, a fresh directory
//                             under $TMPDIR, removed at exit (scratch_dir.h).
//
// Environment: CONTEND_SLOWDOWN=IMPL=FACTOR, test-only, slows one impl's
// reported throughput by FACTOR (slowdown.h); a bad value is a bad flag.
//
// Exit status: 0 when every benchmark ran (an error row is a row, not a
// failure of the binary), 2 on a bad flag, and kExitHistogramNotWritten
// when everything ran and was reported but FILE could not be written (one
// line on stderr names it). That status is not 0, so a script asking for
// FILE learns that it is missing; it is its own, so bench_all keeps the
// rows (the JSON and console output are complete before FILE is written)
// and only reports the missing file.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contend/harness/benchmark_id.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/plan_input.h"
#include "contend/harness/slowdown.h"
#include "contend/harness/worker_group.h"
#include "contend/topology/placement.h"

namespace contend {

// The plans' input (this machine, its ladder, --contend_quick) and how to
// measure: the flags' episode length, warm-up and episode count.
struct BenchEnvironment : PlanInput {
  std::chrono::milliseconds episode{10};
  int warmup_episodes = 1;  // every EpisodePlan's warmup_episodes
  int episodes = 0;         // timed episodes per repetition; 0: min_time decides
  std::string hgrm_path;    // --contend_hgrm; empty: no latency export
  std::string scratch_dir;  // --contend_scratch; empty: scratch_dir.h's fallback
  std::optional<Slowdown> slowdown;  // CONTEND_SLOWDOWN, test-only (slowdown.h)
};

// bench_main's exit status when the benchmarks ran but --contend_hgrm's file
// could not be written (scripts/contend/run/bench_all.py HGRM_NOT_WRITTEN).
inline constexpr int kExitHistogramNotWritten = 4;

// Removes contend's flags from argv (Google Benchmark rejects unknown
// ones) and builds the environment; throws std::invalid_argument on a bad
// flag.
BenchEnvironment parse_contend_flags(int& argc, char** argv);

using Registrar = std::function<void(const BenchEnvironment&)>;

int bench_main(int argc, char** argv, const Registrar& register_benchmarks);

// Registers `run` under id.name() with manual time; `run` is called once
// per repetition.
void register_instance(const BenchmarkId& id, std::function<void(benchmark::State&)> run);

// Registers every scenario of a plan (a vector of anything with a
// BenchmarkId `id`) whose impl is `impl`, or every one for an empty `impl`,
// in plan order: `run(state, env, scenario)` runs a repetition, and an
// exception it throws becomes the instance's error row. Binaries that turn
// impl ids into types call it once per impl, from their type list. On a
// hybrid machine the name gets the core kinds of scenario_pus (the id's
// core_kinds, unless the plan set them itself).
//
// scenario_pus: the PUs a scenario's workers are pinned to, in worker
// order: its `places`, or a server scenario's server PUs then its clients'
// places. None for a scenario that pins nothing (spawn: the scheduler
// places its tasks), whose name then names no kinds.
template <class Scenario, class Run>
void register_plan(const BenchEnvironment& env, const std::vector<Scenario>& plan, Run run,
                   std::string_view impl = {});

// Runs `plan`'s episodes (run_episodes) on a new WorkerGroup of `body` at
// `places`, after the warm-up episodes the flags ask for.
void run_on_group(benchmark::State& state, const BenchEnvironment& env,
                  const std::vector<Place>& places, WorkerMode mode, WorkerBody body,
                  EpisodePlan plan);

// run_on_group for a workload whose workers are the group's (anything with
// run_worker() and plan(): the fan-out, pool and ipc workloads).
template <class Workload>
void run_workload_on_group(benchmark::State& state, const BenchEnvironment& env,
                           const std::vector<Place>& places, WorkerMode mode, Workload& work) {
  run_on_group(state, env, places, mode,
               [&work](const WorkerContext& c) { return work.run_worker(c); }, work.plan());
}

// Runs the episodes of a workload that runs each one itself (anything with
// run_episode() and plan(): the spawn and chatlog workloads), after the
// warm-up episodes the flags ask for.
template <class Workload>
void run_own_episodes(benchmark::State& state, const BenchEnvironment& env, Workload& work) {
  EpisodePlan plan = work.plan();
  plan.warmup_episodes = env.warmup_episodes;
  run_episodes(state, [&work](std::chrono::nanoseconds) { return work.run_episode(); }, plan);
}

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

template <class Scenario>
std::vector<int> scenario_pus(const Scenario& scenario) {
  std::vector<int> pus;
  if constexpr (requires { scenario.places; }) {
    for (const Place& place : scenario.places) pus.push_back(place.pu);
  } else if constexpr (requires { scenario.server_pus; scenario.client_places; }) {
    pus = scenario.server_pus;
    for (const Place& place : scenario.client_places) pus.push_back(place.pu);
  }
  return pus;
}

template <class Scenario, class Run>
void register_plan(const BenchEnvironment& env, const std::vector<Scenario>& plan, Run run,
                   std::string_view impl) {
  for (const Scenario& scenario : plan) {
    if (!impl.empty() && scenario.id.impl != impl) continue;
    BenchmarkId id = scenario.id;
    if (id.core_kinds.empty()) id.core_kinds = env.topology.kinds_of(scenario_pus(scenario));
    register_instance(id, [&env, scenario, run](benchmark::State& state) {
      skip_on_exception(state, [&] { run(state, env, scenario); });
    });
  }
}

}  // namespace contend
