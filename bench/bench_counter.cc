// bench_counter: N workers increment one shared counter, the tutorial's
// `g_num += 1`, under every strategy in counter_strategies.h; what runs
// where is counter_plan.h.
//
// Episodes are timed: workers increment until the episode's time is up,
// then the final count is checked against the sum of the workers' own
// counts. Synchronized strategies must be exact; `unsync` reports its lost
// updates instead.
#include <string_view>
#include <type_traits>

#include "contend/counter/counter_plan.h"
#include "contend/counter/counter_strategies.h"
#include "contend/counter/counter_workload.h"
#include "contend/harness/bench_main.h"
#include "contend/harness/shared_memory.h"

namespace contend {
namespace {

template <class Counter>
void run_counter(benchmark::State& state, const BenchEnvironment& env, const CounterScenario& s) {
  Shared<Counter> counter;
  Counter* shared = counter.get();
  EpisodePlan plan;
  plan.duration = env.episode;
  plan.prepare = [shared] { shared->reset(); };
  plan.judge = [shared](const EpisodeResult& result) {
    return CounterVerdict{result.total_ops(), shared->read()}.episode_verdict(Counter::kExact);
  };
  run_on_group(state, env, s.places, s.id.mode,
               [shared](const WorkerContext& c) { return increment_until_stopped(*shared, c); },
               plan);
}

void register_counters(const BenchEnvironment& env) {
  const std::vector<CounterScenario> plan = counter_plan(env);
  for_each_counter_strategy([&]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    register_plan(env, plan, [](benchmark::State& state, const BenchEnvironment& env,
                                const CounterScenario& s) {
      if (s.id.mode == WorkerMode::kThread) {
        run_counter<Counter>(state, env, s);
      } else {
        run_counter<typename InProcessMode<Counter>::type>(state, env, s);
      }
    }, impl);
  });
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_counters); }
