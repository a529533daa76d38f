#include "contend/harness/episode_runner.h"

#include "contend/harness/counter_names.h"
#include "contend/harness/slowdown.h"

namespace contend {

namespace {

// One episode, prepared, run and judged; the returned verdict's error is
// also set when the group itself failed.
EpisodeVerdict run_one_episode(const EpisodeSource& source, const EpisodePlan& plan,
                               EpisodeResult& result) {
  if (plan.prepare) plan.prepare();
  result = source(plan.duration);
  if (!result.ok()) return EpisodeVerdict{0, 0, result.error};
  return plan.judge(result);
}

// The warm-up episodes; false (and the instance skipped) if one failed.
bool warm_up(benchmark::State& state, const EpisodeSource& source, const EpisodePlan& plan) {
  for (int i = 0; i < plan.warmup_episodes; ++i) {
    EpisodeResult result;
    const EpisodeVerdict verdict = run_one_episode(source, plan, result);
    // The same message as from a timed episode: a wrong result is wrong
    // whichever episode shows it.
    if (!verdict.error.empty()) {
      state.SkipWithError(verdict.error.c_str());
      return false;
    }
  }
  if (plan.after_warmup) plan.after_warmup();
  return true;
}

}  // namespace

void run_episodes(benchmark::State& state, const EpisodeSource& source, const EpisodePlan& plan) {
  // Skipped before the loop, the loop body never runs (Google Benchmark).
  if (!warm_up(state, source, plan)) return;
  uint64_t items = 0;
  double fairness = 0, lost = 0, counted = 0;
  bool has_fairness = false, has_counted = false;
  int64_t episodes = 0;
  for (auto _ : state) {
    EpisodeResult result;
    const EpisodeVerdict verdict = run_one_episode(source, plan, result);
    if (!verdict.error.empty()) {
      state.SkipWithError(verdict.error.c_str());
      break;
    }
    // Test-only: padded when CONTEND_SLOWDOWN names this instance's impl.
    state.SetIterationTime(slowed_episode_seconds(result.makespan_seconds));
    items += verdict.items;
    if (!result.worker_ops.empty()) {
      fairness += result.fairness();
      has_fairness = true;
    }
    lost += verdict.lost;
    if (verdict.counted >= 0) {
      counted += verdict.counted;
      has_counted = true;
    }
    ++episodes;
  }
  if (episodes == 0) return;
  state.SetItemsProcessed(static_cast<int64_t>(items));
  const double n = static_cast<double>(episodes);
  state.counters[counter_name::kItems] = benchmark::Counter(static_cast<double>(items) / n);
  if (has_fairness) state.counters[counter_name::kFairness] = benchmark::Counter(fairness / n);
  state.counters[counter_name::kLost] = benchmark::Counter(lost / n);
  if (has_counted) state.counters[counter_name::kCounted] = benchmark::Counter(counted / n);
}

void run_episodes(benchmark::State& state, WorkerGroup& group, const EpisodePlan& plan) {
  run_episodes(
      state, [&group](std::chrono::nanoseconds duration) { return group.run_episode(duration); },
      plan);
}

void replay_episodes(benchmark::State& state, const RecordedEpisodes& recorded) {
  size_t next = 0;
  EpisodePlan plan;
  plan.warmup_episodes = 0;  // recorded after any warm-up of their own
  plan.judge = [&](const EpisodeResult&) { return recorded.verdicts[next - 1]; };
  run_episodes(
      state,
      [&](std::chrono::nanoseconds) {
        if (next == recorded.results.size()) {
          EpisodeResult none;
          none.error = "internal: the loop asked for more episodes than were recorded";
          return none;
        }
        return recorded.results[next++];
      },
      plan);
}

}  // namespace contend
