// The two bench_ipc scenarios as worker bodies and episode judges, shared
// by the benchmark binary and its tests.
//
// Throughput: producers (workers 0..P-1) each send `per_producer` stamped
// messages through one Channel; consumers (workers P..P+C-1) receive them
// all and record each in a DeliveryLedger. Items = messages.
// Ping-pong: worker 0 sends a message and waits for worker 1 to echo it
// back over a second channel, `round_trips` times; worker 0 records each
// round trip's time in a LatencyHistogram. Items = round trips.
//
// Everything a worker changes lives in shared memory, so the same objects
// work with thread and process workers. Episodes have a fixed size (not a
// fixed duration): nothing is left in flight when an episode ends.
#pragma once

#include <cstdint>

#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/worker_group.h"
#include "contend/ipc/channel.h"
#include "contend/ipc/delivery_ledger.h"

namespace contend {

struct ThroughputShape {
  int producers = 1;
  int consumers = 1;
  uint64_t per_producer = 1000;
  size_t message_bytes = 64;
};

class ThroughputWorkload {
 public:
  ThroughputWorkload(Channel& channel, const ThroughputShape& shape);

  int workers() const { return shape_.producers + shape_.consumers; }
  uint64_t run_worker(const WorkerContext& context);
  // prepare + judge for run_episodes(); valid while this object lives.
  EpisodePlan plan();
  DeliveryLedger& ledger() { return ledger_; }

 private:
  uint64_t produce(int producer, int client);
  uint64_t consume(int client);

  Channel& channel_;
  ThroughputShape shape_;
  DeliveryLedger ledger_;
};

class PingPongWorkload {
 public:
  PingPongWorkload(Channel& ping, Channel& pong, uint64_t round_trips, size_t message_bytes);

  static constexpr int kWorkers = 2;
  uint64_t run_worker(const WorkerContext& context);
  // The judge also merges each episode's round trip times into latencies()
  // (after_warmup forgets those of warm-up episodes).
  EpisodePlan plan();
  const LatencyHistogram& latencies() const { return latencies_; }

 private:
  uint64_t serve(int client);
  uint64_t echo(int client);

  Channel& ping_;
  Channel& pong_;
  uint64_t round_trips_;
  size_t message_bytes_;
  DeliveryLedger ledger_;
  LatencyHistogram episode_latencies_;  // recorded by worker 0 (shared memory)
  LatencyHistogram latencies_;
};

}  // namespace contend
