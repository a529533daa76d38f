#include "contend/harness/episode_runner.h"

namespace contend {

void run_episodes(benchmark::State& state, WorkerGroup& group, const EpisodePlan& plan) {
  uint64_t items = 0;
  double fairness = 0, lost = 0;
  int64_t episodes = 0;
  for (auto _ : state) {
    if (plan.prepare) plan.prepare();
    EpisodeResult result = group.run_episode(plan.duration);
    if (!result.ok()) {
      state.SkipWithError(result.error.c_str());
      break;
    }
    EpisodeVerdict verdict = plan.judge(result);
    if (!verdict.error.empty()) {
      state.SkipWithError(verdict.error.c_str());
      break;
    }
    state.SetIterationTime(result.makespan_seconds);
    items += verdict.items;
    fairness += result.fairness();
    lost += verdict.lost;
    ++episodes;
  }
  if (episodes == 0) return;
  state.SetItemsProcessed(static_cast<int64_t>(items));
  const double n = static_cast<double>(episodes);
  state.counters["items"] = benchmark::Counter(static_cast<double>(items) / n);
  state.counters["fairness"] = benchmark::Counter(fairness / n);
  state.counters["lost"] = benchmark::Counter(lost / n);
}

}  // namespace contend
