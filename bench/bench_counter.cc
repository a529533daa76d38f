// bench_counter: N workers increment one shared counter, the tutorial's
// `g_num += 1`, under every strategy in counter_strategies.h; what runs
// where is counter_plan.h.
//
// Episodes are timed: workers increment until the episode's time is up,
// then the final count is checked against the sum of the workers' own
// counts. Synchronized strategies must be exact; `unsync` reports its lost
// updates instead.
//
// counter/critical_section: the strategies with a critical section (locks
// and cas_loop) under a contention dial, each acquisition timed:
// acquire-wait percentiles and lock hand-over times beside throughput and
// fairness (critical_section_workload.h; what runs where is
// critical_section_plan.h).
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "contend/counter/calibrated_work.h"
#include "contend/counter/counter_plan.h"
#include "contend/counter/counter_strategies.h"
#include "contend/counter/counter_workload.h"
#include "contend/counter/critical_section.h"
#include "contend/counter/critical_section_plan.h"
#include "contend/counter/critical_section_workload.h"
#include "contend/harness/bench_main.h"
#include "contend/harness/latency_counters.h"
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

template <class Counter>
void run_critical_section(benchmark::State& state, const BenchEnvironment& env,
                          const CriticalSectionScenario& s) {
  const auto counter = std::make_unique<Counter>();
  AcquisitionRecorders recorders(s.id.threads);
  const WorkIterations work = WorkIterations::of(s.dial);
  run_on_group(state, env, s.places, s.id.mode,
               [&](const WorkerContext& c) {
                 return acquire_until_stopped(*counter, work, recorders, c);
               },
               critical_section_episodes(*counter, recorders, env.episode));
  if (state.error_occurred()) return;
  set_latency_counters(state, recorders.acquire_waits());
  set_handover_counters(state, recorders.handovers());  // none for cas_loop
}

void register_counters(const BenchEnvironment& env) {
  // critical_section's work is calibrated once per process, here, before
  // any instance runs; the JSON's context keeps what an iteration cost.
  benchmark::AddCustomContext("contend_work_ns_per_iteration",
                              std::to_string(work_calibration().ns_per_iteration));
  const std::vector<CounterScenario> plan = counter_plan(env);
  const std::vector<CriticalSectionScenario> sections = critical_section_plan(env);
  for_each_counter_strategy([&]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    register_plan(env, plan, [](benchmark::State& state, const BenchEnvironment& env,
                                const CounterScenario& s) {
      if (s.id.mode == WorkerMode::kThread) {
        run_counter<Counter>(state, env, s);
      } else {
        run_counter<typename InProcessMode<Counter>::type>(state, env, s);
      }
    }, impl);
    if constexpr (has_critical_section<Counter>) {
      register_plan(env, sections, run_critical_section<Counter>, impl);
    }
  });
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_counters); }
