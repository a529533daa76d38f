// ProducerConsumerWorkload<Q>: one throughput or drain episode of bench_queue:
// P producers push a fixed number of items each, flat out, while (kStream)
// or before (kDrain) C consumers pop them all. The exchange itself, how it
// ends and how it is judged, is ItemExchange (item_exchange.h).
//
// Nothing is timed but the episode: items over the makespan is the
// throughput. Per-item latency is not measured here. Timing every item
// would perturb the throughput being measured (two clock reads and a
// stamp table per item), and producers running flat out into a queue
// measure the backlog they build, set by the episode size, not the queue:
// queue latency is the open-loop `latency` benchmark's (open_loop_workload.h).
#pragma once

#include <cstdint>

#include "contend/harness/episode_runner.h"
#include "contend/harness/worker_group.h"
#include "contend/queue/item_exchange.h"
#include "contend/queue/queue_adapter.h"
#include "contend/queue/wait_mode.h"

namespace contend {

template <QueueAdapter Q>
class ProducerConsumerWorkload {
 public:
  explicit ProducerConsumerWorkload(const ProducerConsumerConfig& config) : exchange_(config) {}

  int workers() const { return exchange_.workers(); }
  uint64_t total_items() const { return exchange_.total_items(); }
  const ProducerConsumerConfig& config() const { return exchange_.config(); }
  Q& queue() { return exchange_.queue(); }
  const ConsumerTally& tally(int consumer) const { return exchange_.tally(consumer); }

  // Before each episode.
  void prepare() { exchange_.prepare(); }

  // The WorkerGroup body. Returns the worker's share of the items, scaled
  // so that an even split gives every worker the same figure (producers
  // by P, consumers by C): Jain's index then measures how evenly the work
  // fell within each role, not the P:C ratio of the shape.
  uint64_t run(const WorkerContext& context) {
    const ProducerConsumerConfig& config = exchange_.config();
    if (context.index < config.producers) {
      const uint64_t pushed = exchange_.produce(
          context.index, [wait = config.wait](auto& handle, const auto& item, uint64_t) {
            push_waiting(handle, item, wait);
          });
      return pushed * static_cast<uint64_t>(config.producers);
    }
    const uint64_t popped = exchange_.consume(context, context.index - config.producers,
                                              [](uint64_t) {});
    return popped * static_cast<uint64_t>(config.consumers);
  }

  // After each episode: checks it.
  EpisodeVerdict judge(const EpisodeResult&) { return exchange_.judge(); }

 private:
  ItemExchange<Q> exchange_;
};

}  // namespace contend
