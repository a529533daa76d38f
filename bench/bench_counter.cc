// bench_counter: N workers increment one shared counter, the tutorial's
// `g_num += 1`, under every strategy in counter_strategies.h, across the
// ladder, both placements, and threads versus processes.
//
// Episodes are timed: workers increment until the episode's time is up,
// then the final count is checked against the sum of the workers' own
// counts. Synchronized strategies must be exact; `unsync` reports its lost
// updates instead.
#include <algorithm>

#include "contend/counter/counter_strategies.h"
#include "contend/counter/counter_workload.h"
#include "contend/harness/bench_main.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/shared_memory.h"
#include "contend/harness/worker_group.h"

namespace contend {
namespace {

template <class Counter>
void run_counter(benchmark::State& state, const BenchEnvironment& env,
                 const std::vector<Place>& places, WorkerMode mode) {
  Shared<Counter> counter;
  Counter* shared = counter.get();
  WorkerGroup group(
      env.topology, places,
      [shared](const WorkerContext& context) { return increment_until_stopped(*shared, context); },
      mode);
  EpisodePlan plan;
  plan.duration = env.episode;
  plan.warmup_episodes = env.warmup_episodes;
  plan.prepare = [shared] { shared->reset(); };
  plan.judge = [shared](const EpisodeResult& result) {
    return CounterVerdict{result.total_ops(), shared->read()}.episode_verdict(Counter::kExact);
  };
  run_episodes(state, group, plan);
}

// Quick mode measures processes at the full machine only (the largest point
// that is not oversubscribed): the threads-versus-processes question, asked
// once, where it matters most; threads keep the whole ladder.
bool in_quick_run(const BenchEnvironment& env, WorkerMode mode, const LadderPoint& point) {
  if (mode == WorkerMode::kThread) return true;
  int top = 1;
  for (const LadderPoint& p : env.ladder)
    if (!p.oversubscribed) top = std::max(top, p.workers);
  return point.workers == top && !point.oversubscribed;
}

void register_counters(const BenchEnvironment& env) {
  for_each_counter_strategy([&]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    for (WorkerMode mode : {WorkerMode::kThread, WorkerMode::kProcess}) {
      for (PlacementPolicy placement : kAllPlacements) {
        for (const LadderPoint& point : env.ladder) {
          if (env.quick && !in_quick_run(env, mode, point)) continue;
          auto distinct = distinct_placement(env.topology, placement, point.workers);
          if (!distinct) continue;  // same map as an earlier policy: measured there
          BenchmarkId id{"counter", "increment", std::string(impl), mode, point.workers,
                         0, 0, placement, point.oversubscribed, {}, distinct->covers};
          auto places = distinct->places;
          register_instance(id, [&env, places, mode](benchmark::State& state) {
            skip_on_exception(state, [&] {
              if (mode == WorkerMode::kThread) {
                run_counter<Counter>(state, env, places, mode);
              } else {
                run_counter<typename InProcessMode<Counter>::type>(state, env, places, mode);
              }
            });
          });
        }
      }
    }
  });
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_counters); }
