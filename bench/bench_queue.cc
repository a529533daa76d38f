// bench_queue: items handed between threads through every queue in
// queue_list.h — the tutorial's queue.Queue, LifoQueue and PriorityQueue
// and their library peers; what runs where is queue_plan.h.
//
// Benchmarks (family = fifo | lifo | priority | spsc, from the traits):
//   throughput  P producers push a fixed number of items each while C
//               consumers pop them all; items/s over the makespan, no
//               latency (producers flat out measure their own backlog).
//   drain       the producers fill the queue, then the consumers empty it;
//               checks LIFO and priority order, which only a quiescent
//               queue can show.
//   pingpong    one item bouncing between two workers through two queues;
//               items are round trips, every one timed.
//   latency     open loop: producers send on a schedule at a share of the
//               queue's saturation; latency of every item since its intended
//               send time, offered load and whether the queue kept up
//               (open_loop_benchmark.h).
//   quality     priority queues: W threads each pop an item and push a
//               fresh one, every operation logged; the rank error of the
//               pops (rank_error_mean / rank_error_max, rank_error.h), from
//               replaying the log. A relaxed queue's price for its speed.
// Every episode is judged (item_exchange.h): a lost, duplicated or
// out-of-order item makes the row an error, not a number.
#include <type_traits>
#include <variant>
#include <vector>

#include "contend/harness/bench_main.h"
#include "contend/harness/counter_names.h"
#include "contend/harness/latency_counters.h"
#include "contend/queue/open_loop_benchmark.h"
#include "contend/queue/producer_consumer_workload.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/queue_list.h"
#include "contend/queue/queue_pingpong_workload.h"
#include "contend/queue/queue_plan.h"
#include "contend/queue/rank_error_workload.h"

namespace contend {
namespace {

// Runs episodes of a workload with prepare/run/judge; `report` then sets
// the row's counters from it.
template <class Workload, class Config, class Report>
void run_workload(benchmark::State& state, const BenchEnvironment& env,
                  const std::vector<Place>& places, const Config& config, Report report) {
  Workload workload(config);
  EpisodePlan plan;
  plan.prepare = [&workload] { workload.prepare(); };
  plan.judge = [&workload](const EpisodeResult& result) { return workload.judge(result); };
  if constexpr (requires { workload.forget_latencies(); })
    plan.after_warmup = [&workload] { workload.forget_latencies(); };
  if constexpr (requires { workload.forget_warmup(); })
    plan.after_warmup = [&workload] { workload.forget_warmup(); };
  run_on_group(state, env, places, WorkerMode::kThread,
               [&workload](const WorkerContext& context) { return workload.run(context); }, plan);
  if (!state.error_occurred()) report(workload);
}

template <class Q>
constexpr bool measures_rank_error_v = Q::traits.order == QueueOrder::kPriority ||
                                       Q::traits.order == QueueOrder::kRelaxedPriority;

template <class Q>
void run_queue(benchmark::State& state, const BenchEnvironment& env, const QueueScenario& s) {
  if (const auto* config = std::get_if<ProducerConsumerConfig>(&s.config)) {
    run_workload<ProducerConsumerWorkload<Q>>(state, env, s.places, *config, [](const auto&) {});
  } else if (const auto* pingpong = std::get_if<QueuePingPongConfig>(&s.config)) {
    run_workload<QueuePingPongWorkload<Q>>(
        state, env, s.places, *pingpong,
        [&state](const auto& workload) { set_latency_counters(state, workload.latencies()); });
  } else if (const auto* quality = std::get_if<RankErrorConfig>(&s.config)) {
    // Only priority queues get quality entries (queue_plan.cc); the others
    // need not compile the workload.
    if constexpr (measures_rank_error_v<Q>) {
      run_workload<RankErrorWorkload<Q>>(state, env, s.places, *quality, [&state](const auto& w) {
        state.counters[counter_name::kRankErrorMean] = benchmark::Counter(w.rank_errors().mean());
        state.counters[counter_name::kRankErrorMax] =
            benchmark::Counter(static_cast<double>(w.rank_errors().max));
      });
    } else {
      state.SkipWithError("quality is a priority queue's benchmark");
    }
  } else {
    run_open_loop<Q>(state, env, s.places, std::get<OpenLoopLatencyConfig>(s.config));
  }
}

void register_queues(const BenchEnvironment& env) {
  for_each_queue([&]<class Kind>(Kind) {
    register_plan(env, queue_plan(env, Kind::id, Kind::traits),
                  [](benchmark::State& state, const BenchEnvironment& env, const QueueScenario& s) {
                    if (s.payload == 8) {
                      run_queue<typename Kind::template queue<QueueItem<8>>>(state, env, s);
                    } else {
                      run_queue<typename Kind::template queue<QueueItem<64>>>(state, env, s);
                    }
                  });
  });
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_queues); }
