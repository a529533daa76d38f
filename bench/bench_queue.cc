// bench_queue: items handed between threads through every queue in
// queue_list.h — the tutorial's queue.Queue, LifoQueue and PriorityQueue
// and their library peers — across the ladder and both placements.
//
// Benchmarks (family = fifo | lifo | priority | spsc, from the traits):
//   throughput  P producers push a fixed number of items each while C
//               consumers pop them all; items/s over the makespan, plus
//               enqueue-to-dequeue latency (every 64th item) as p50/p99/p999.
//   drain       the producers fill the queue, then the consumers empty it;
//               checks LIFO and priority order, which only a quiescent
//               queue can show.
//   pingpong    one item bouncing between two workers through two queues;
//               items are round trips, latency every 8th round trip.
// Every episode is judged (producer_consumer_workload.h): a lost,
// duplicated or out-of-order item makes the row an error, not a number.
//
// Shapes, capacities and wait modes come from queue_scenarios.h. With
// --contend_quick: throughput at 1:1 and N:N, 8-byte items, one capacity,
// shorter episodes; pingpong with 8-byte items; no drain.
#include <exception>
#include <string>
#include <type_traits>
#include <vector>

#include "contend/harness/bench_main.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_counters.h"
#include "contend/harness/worker_group.h"
#include "contend/queue/producer_consumer_workload.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/queue_list.h"
#include "contend/queue/queue_pingpong_workload.h"
#include "contend/queue/queue_scenarios.h"

namespace contend {
namespace {

// Episode sizes. A quick episode is a millisecond or a few, a full one a few
// times that: precision comes from rounds (separate processes), not from
// long episodes inside one process, so a full run spends its time on rounds.
struct EpisodeSizes {
  uint64_t items_per_producer;  // throughput
  uint64_t drain_items;         // drain, split over the producers
  uint64_t round_trips;         // pingpong
};
constexpr EpisodeSizes kFullSizes{1 << 15, 1 << 15, 1 << 10};
// Quick pingpong: 256 round trips, as a block-mode wake-up can take tens of
// microseconds on a VM (p99.9 then goes unreported: too few samples).
constexpr EpisodeSizes kQuickSizes{1 << 13, 1 << 13, 1 << 8};

// Runs episodes of any workload with prepare/run/judge/latencies().
template <class Workload, class Config>
void run_workload(benchmark::State& state, const BenchEnvironment& env,
                  const std::vector<Place>& places, const Config& config) {
  skip_on_exception(state, [&] {
    Workload workload(config);
    WorkerGroup group(env.topology, places,
                      [&workload](const WorkerContext& context) { return workload.run(context); });
    EpisodePlan plan;
    plan.warmup_episodes = env.warmup_episodes;
    plan.prepare = [&workload] { workload.prepare(); };
    plan.judge = [&workload](const EpisodeResult& result) { return workload.judge(result); };
    plan.after_warmup = [&workload] { workload.forget_latencies(); };
    run_episodes(state, group, plan);
    if (!state.error_occurred()) set_latency_counters(state, workload.latencies());
  });
}

// Calls visit(std::type_identity<QueueItem<bytes>>{}) for a payload size.
template <class Visitor>
void with_payload(size_t bytes, Visitor&& visit) {
  if (bytes == 8) {
    visit(std::type_identity<QueueItem<8>>{});
  } else {
    visit(std::type_identity<QueueItem<64>>{});
  }
}

std::string capacity_param(size_t capacity) { return std::to_string(capacity); }

template <class Kind>
void register_queue(const BenchEnvironment& env) {
  const QueueTraits traits = Kind::traits;
  const std::string family(queue_family(traits));
  const std::string impl(Kind::id);
  const EpisodeSizes sizes = env.quick ? kQuickSizes : kFullSizes;
  const std::vector<size_t> payloads = env.quick ? std::vector<size_t>{8}
                                                 : std::vector<size_t>{8, 64};
  const std::vector<QueueShape> shapes = queue_shapes(env.ladder, traits, env.quick);

  for (size_t payload : payloads) {
    with_payload(payload, [&]<class Item>(std::type_identity<Item>) {
      using Q = typename Kind::template queue<Item>;
      const std::string bytes = std::to_string(payload);

      // throughput
      for (size_t capacity : stream_capacities(traits, env.quick)) {
        for (WaitMode wait : wait_modes(traits)) {
          for (const QueueShape& shape : shapes) {
            for (PlacementPolicy placement : kAllPlacements) {
              auto distinct = distinct_placement(env.topology, placement, shape.threads());
              if (!distinct) continue;  // same map as an earlier policy: measured there
              BenchmarkId id{family, "throughput", impl, WorkerMode::kThread, shape.threads(),
                             shape.producers, shape.consumers, placement, shape.oversubscribed,
                             {{"payload", bytes},
                              {"capacity", capacity_param(capacity)},
                              {"wait", std::string(to_string(wait))}},
                             distinct->covers};
              ProducerConsumerConfig config;
              config.scenario = ExchangeScenario::kStream;
              config.producers = shape.producers;
              config.consumers = shape.consumers;
              config.items_per_producer = sizes.items_per_producer;
              config.wait = wait;
              config.capacity = capacity;
              auto places = distinct->places;
              register_instance(id, [&env, places, config](benchmark::State& state) {
                run_workload<ProducerConsumerWorkload<Q>>(state, env, places, config);
              });
            }
          }
        }
      }

      // drain: ordering is what it checks, so one payload is enough
      if (!env.quick && payload == 8) {
        for (const QueueShape& shape : shapes) {
          for (PlacementPolicy placement : kAllPlacements) {
            auto distinct = distinct_placement(env.topology, placement, shape.threads());
            if (!distinct) continue;  // same map as an earlier policy: measured there
            BenchmarkId id{family, "drain", impl, WorkerMode::kThread, shape.threads(),
                           shape.producers, shape.consumers, placement, shape.oversubscribed,
                           {{"payload", bytes}}, distinct->covers};
            ProducerConsumerConfig config;
            config.scenario = ExchangeScenario::kDrain;
            config.producers = shape.producers;
            config.consumers = shape.consumers;
            config.items_per_producer = sizes.drain_items / static_cast<uint64_t>(shape.producers);
            config.sample_every = 0;
            // Room for every item, so producers never wait for consumers.
            config.capacity = traits.can_be_unbounded()
                                  ? 0
                                  : config.items_per_producer * static_cast<uint64_t>(shape.producers);
            auto places = distinct->places;
            register_instance(id, [&env, places, config](benchmark::State& state) {
              run_workload<ProducerConsumerWorkload<Q>>(state, env, places, config);
            });
          }
        }
      }

      // pingpong
      for (WaitMode wait : wait_modes(traits)) {
        for (PlacementPolicy placement : kAllPlacements) {
          auto distinct = distinct_placement(env.topology, placement, 2);
          if (!distinct) continue;  // same map as an earlier policy: measured there
          const bool oversubscribed = env.topology.pu_count() < 2;
          BenchmarkId id{family, "pingpong", impl, WorkerMode::kThread, 2, 1, 1, placement,
                         oversubscribed,
                         {{"payload", bytes}, {"wait", std::string(to_string(wait))}},
                         distinct->covers};
          QueuePingPongConfig config;
          config.round_trips = sizes.round_trips;
          config.wait = wait;
          config.capacity = pingpong_capacity(traits);
          auto places = distinct->places;
          register_instance(id, [&env, places, config](benchmark::State& state) {
            run_workload<QueuePingPongWorkload<Q>>(state, env, places, config);
          });
        }
      }
    });
  }
}

void register_queues(const BenchEnvironment& env) {
  for_each_queue([&]<class Kind>(Kind) { register_queue<Kind>(env); });
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_queues); }
