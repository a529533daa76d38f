// run_open_loop<Q>: one repetition of bench_queue's `latency` benchmark:
// the queue's saturation first, then episodes paced at a share of it
// (OpenLoopWorkload), and the row that says what came of it.
//
// Saturation. The same instrumented workload, unpaced (every item stamped
// and timed as in a paced episode, so the offered loads are shares of what
// the instrumented pipeline can do, not of the bare throughput benchmark):
// a pilot episode of kSaturationPilotItems sizes the episodes to about
// kSaturationEpisode at the pilot's rate; one of that size warms the fresh
// queue up, then the median rate of kSaturationEpisodes more is the
// saturation. It is measured again before each repetition's paced
// episodes, not once per process: the 2-core VM flips between states
// within a process (its state probe reads 80 ns in one, 130 ns in the
// other), the paced near-empty handover is far more sensitive to the state
// than the unpaced burst, and a saturation measured in the fast state put
// the load of a later repetition in the slow one near 100%. Of 13
// fallen-behind repetitions in 676 at 50% load (three quick runs, quiet
// VM, 2026-12-08), 12 were the second of their process, 200 ms after its
// saturation; in the run whose probes were joined, 2 of the 5 processes
// began in the fast state (80 ns), with saturations among the two highest
// of their instance's 8 rounds. Measured per repetition, the saturation is
// at most one paced episode old (issue 24). It costs a saturation (~20 ms)
// per repetition, and each repetition of a round has an offered load of
// its own (the row's offered_per_second).
//
// Run again once, when the machine changed under it. A repetition that
// fell behind gets its saturation measured again right after; when that is
// under kStateChangeShare of the one its load was a share of, the queue's
// capacity fell while it ran (the VM's state, not the queue: a halved
// saturation showed in the neighbouring repetition of every fallen-behind
// repetition left on the quiet VM, issue 24), so the repetition is run once
// more at load_pct of the new saturation, and the row says so (`reruns` 1;
// its offered_per_second is the second run's). A queue that cannot keep up
// at its load keeps its saturation and gets no second run. The paced
// episodes are therefore run before Google Benchmark's timed loop, which
// then reports them (replay_episodes, episode_runner.h): as many as the
// loop asks for (state.max_iterations), timed as any episode.
//
// Paced episodes: offered rate R = load_pct% of the saturation; items per
// episode R x schedule (100 ms of schedule, quick or full, so a slow queue
// still gets its samples), at least min_items, rounded up to whole
// producers. The harness runs them as any other episodes (judge, makespan),
// so items_per_second is the achieved load, except for the warm-up: not a
// whole warm-up episode but the first windows of each episode, as many as
// --contend_warmup_episodes says (at most half of them), which the
// workload neither records nor judges (open_loop_workload.h). A whole
// paced warm-up episode would double the paced time, and warms nothing the
// first window does not.
//
// The row: offered_per_second (R), kept_up (1/0, OpenLoopWorkload's rule:
// >= 90% of offered over the whole schedule or in half of its windows) and
// reruns (1/0) always; latency percentiles (since the intended send time,
// every item past the warm-up windows) only when the queue kept up. A queue that fell behind reports no latency at all: its
// latencies would measure how long its backlog grew, set by the episode
// length, not the queue. That is a result, not an error; an error row is a
// failed check (a lost or reordered item), in a paced or saturation episode.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "contend/harness/bench_main.h"
#include "contend/harness/benchmark_id.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/worker_group.h"
#include "contend/queue/open_loop_workload.h"
#include "contend/queue/queue_adapter.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend {

// What the plan asks of one `latency` instance.
struct OpenLoopLatencyConfig {
  OpenLoopConfig queue;  // shape, wait mode, capacity (rate and items: set per run)
  int load_pct = 50;     // offered load, % of the saturation measured first
  std::chrono::nanoseconds schedule = std::chrono::milliseconds(100);  // per episode
  uint64_t min_items = 1000;  // per episode, at the least
};

inline constexpr uint64_t kSaturationPilotItems = 1024;
inline constexpr std::chrono::nanoseconds kSaturationEpisode = std::chrono::milliseconds(4);
inline constexpr int kSaturationEpisodes = 3;
// A saturation measured after a fallen-behind repetition under this share
// of the one before it says the machine changed (see the top): more than
// the ~30% the same queue's saturations vary by between repetitions of one
// process on the quiet VM, less than the halving of a state change.
inline constexpr double kStateChangeShare = 0.6;

// Whether a saturation of `after` following one of `before` says the
// machine changed under the repetition between them.
bool capacity_fell(double before, double after);

// `shape` unpaced, with at least `total` items (whole producers' worth).
OpenLoopConfig unpaced_config(const OpenLoopConfig& shape, uint64_t total);
// The saturation episodes' size for a pilot rate (items/s).
uint64_t saturation_items(double pilot_per_second);
// The paced config for a saturation of `saturation` items/s.
OpenLoopConfig paced_config(const OpenLoopLatencyConfig& config, double saturation);

// The saturation of the instance `key`, from `measure` the first time this
// process asks for it, remembered after (the server family's capacity).
// Google Benchmark's runner thread is its only caller.
double saturation_once(const std::string& key, const std::function<double()>& measure);
// The instance's name less its load_pct: what its saturation is shared under.
std::string saturation_key(const BenchmarkId& id);

// The rate of one judged saturation episode; throws std::runtime_error
// (an error row) when the episode failed or its check did.
double saturation_episode_rate(const EpisodeResult& result, const EpisodeVerdict& verdict);

// offered_per_second, kept_up and reruns, and the percentiles of
// `since_intended` (set_latency_counters) only when the queue kept up.
void set_open_loop_counters(benchmark::State& state, double offered, bool kept_up,
                            const LatencyHistogram& since_intended, int reruns = 0);

template <QueueAdapter Q>
double measure_saturation(const Topology& topology, const std::vector<Place>& places,
                          const OpenLoopConfig& shape) {
  std::unique_ptr<OpenLoopWorkload<Q>> workload;
  // The group outlives each workload; a new one is swapped in between
  // episodes, while the workers wait at the start gate.
  WorkerGroup group(topology, places,
                    [&workload](const WorkerContext& context) { return workload->run(context); });
  auto episode_rate = [&] {
    workload->prepare();
    const EpisodeResult result = group.run_episode();
    const EpisodeVerdict verdict = result.ok() ? workload->judge(result) : EpisodeVerdict{};
    return saturation_episode_rate(result, verdict);
  };
  workload = std::make_unique<OpenLoopWorkload<Q>>(unpaced_config(shape, kSaturationPilotItems));
  const double pilot = episode_rate();
  workload = std::make_unique<OpenLoopWorkload<Q>>(unpaced_config(shape, saturation_items(pilot)));
  episode_rate();  // the fresh queue's first touch: not counted
  std::vector<double> rates;
  for (int i = 0; i < kSaturationEpisodes; ++i) rates.push_back(episode_rate());
  std::nth_element(rates.begin(), rates.begin() + kSaturationEpisodes / 2, rates.end());
  return rates[kSaturationEpisodes / 2];
}

// The paced config of one repetition, its first windows the warm-up
// (--contend_warmup_episodes of them, at most half).
OpenLoopConfig with_warmup_windows(OpenLoopConfig paced, const BenchEnvironment& env);

// One repetition's paced episodes, `episodes` of them (fewer if one fails),
// judged by `workload` on a group of their own.
template <QueueAdapter Q>
RecordedEpisodes run_paced_episodes(OpenLoopWorkload<Q>& workload, const Topology& topology,
                                    const std::vector<Place>& places, int64_t episodes) {
  RecordedEpisodes recorded;
  WorkerGroup group(topology, places,
                    [&workload](const WorkerContext& context) { return workload.run(context); },
                    WorkerMode::kThread);
  for (int64_t i = 0; i < episodes && !recorded.failed(); ++i) {
    workload.prepare();
    EpisodeResult result = group.run_episode();
    recorded.verdicts.push_back(result.ok() ? workload.judge(result)
                                            : EpisodeVerdict{0, 0, result.error});
    recorded.results.push_back(std::move(result));
  }
  return recorded;
}

// Paced episodes of `paced` as one repetition, and the row's counters.
template <QueueAdapter Q>
void run_paced(benchmark::State& state, const BenchEnvironment& env,
               const std::vector<Place>& places, const OpenLoopConfig& paced) {
  OpenLoopWorkload<Q> workload(with_warmup_windows(paced, env));
  replay_episodes(state, run_paced_episodes(workload, env.topology, places, state.max_iterations));
  if (state.error_occurred()) return;
  set_open_loop_counters(state, paced.offered_per_second, workload.kept_up(),
                         workload.since_intended());
}

// One repetition of the `latency` benchmark (see the top): `saturation()`
// measured, paced episodes at a share of it, and the repetition run again
// once if it fell behind while the machine's capacity for the queue fell.
template <QueueAdapter Q>
void run_open_loop(benchmark::State& state, const BenchEnvironment& env,
                   const std::vector<Place>& places, const OpenLoopLatencyConfig& config,
                   const std::function<double()>& saturation) {
  auto paced_at = [&](double rate) {
    return std::make_unique<OpenLoopWorkload<Q>>(
        with_warmup_windows(paced_config(config, rate), env));
  };
  const double before = saturation();
  auto workload = paced_at(before);
  RecordedEpisodes recorded =
      run_paced_episodes(*workload, env.topology, places, state.max_iterations);
  int reruns = 0;
  if (!recorded.failed() && !workload->kept_up()) {
    const double after = saturation();
    if (capacity_fell(before, after)) {
      workload = paced_at(after);
      recorded = run_paced_episodes(*workload, env.topology, places, state.max_iterations);
      reruns = 1;
    }
  }
  replay_episodes(state, recorded);
  if (state.error_occurred()) return;
  set_open_loop_counters(state, workload->config().offered_per_second, workload->kept_up(),
                         workload->since_intended(), reruns);
}

// The same, its saturation measured (measure_saturation).
template <QueueAdapter Q>
void run_open_loop(benchmark::State& state, const BenchEnvironment& env,
                   const std::vector<Place>& places, const OpenLoopLatencyConfig& config) {
  run_open_loop<Q>(state, env, places, config,
                   [&] { return measure_saturation<Q>(env.topology, places, config.queue); });
}

}  // namespace contend
