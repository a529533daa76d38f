// What bench_queue measures for one queue on a machine, derived from the
// queue's traits and the ladder, never from a per-queue list.
//
// Benchmarks, each at every wait mode, payload and placement map it gets:
//   throughput  at every shape and capacity below;
//   drain       full run only, every shape, 8-byte items: ordering is what
//               it checks, so one payload is enough; every item fits in the
//               queue, so producers never wait for consumers;
//   pingpong    two workers, one item in flight.
// Payloads are 8 and 64 bytes; quick: 8 only.
//
// Shapes (producers:consumers). A ladder point of W workers (W >= 2) gives
//   1:(W-1), (W-1):1 and N:N with N = W/2,
// so that producers + consumers = W: the point's hardware, all of it busy.
// For an odd W, N:N rounds down (W-1 workers) except at the oversubscribed
// point, where it rounds up so that it stays oversubscribed. Shapes that
// coincide (W = 2 gives 1:1 three times) are kept once, in ladder order.
// A point of one worker has no shape: a queue needs both ends. Only shapes
// the queue's concurrency allows survive: SPSC queues run 1:1 alone, MPSC
// queues N:1 and 1:1. The quick plan keeps 1:1 and the N:N shapes at the
// points that fit the machine (QuickPoints::kFitting: the oversubscribed
// point measures the scheduler, a full run's question).
//
// Capacities (the `capacity` parameter; 0 means unbounded): unbounded
// queues run unbounded; bounded ones at 64 (nearly always full or empty:
// the waiting paths) and 65536 (rarely full: the fast paths); queues that
// can be either run all three. Quick: unbounded where possible, else 65536.
//
// Wait modes: spin everywhere; block too where the queue can block.
//
// Episode sizes: a quick episode is a millisecond or a few, a full one a few
// times that: precision comes from rounds (separate processes), not from
// long episodes inside one process, so a full run spends its time on rounds.
#pragma once

#include <cstddef>
#include <string_view>
#include <variant>
#include <vector>

#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/queue/producer_consumer_workload.h"
#include "contend/queue/queue_pingpong_workload.h"
#include "contend/queue/queue_traits.h"
#include "contend/queue/wait_mode.h"
#include "contend/topology/placement.h"

namespace contend {

struct QueueScenario {
  BenchmarkId id;     // family from the traits, impl the queue's id
  size_t payload = 8; // item bytes: QueueItem<8> or QueueItem<64>
  // throughput (kStream) and drain (kDrain), or pingpong
  std::variant<ProducerConsumerConfig, QueuePingPongConfig> config;
  std::vector<Place> places;  // producers first, then consumers
};

// The queue `impl` with `traits`: per payload, throughput, drain, pingpong.
std::vector<QueueScenario> queue_plan(const PlanInput& input, std::string_view impl,
                                      const QueueTraits& traits);

// The parts of the plan, each tested on its own.
struct QueueShape {
  int producers = 1;
  int consumers = 1;
  bool oversubscribed = false;
  int threads() const { return producers + consumers; }
  bool operator==(const QueueShape&) const = default;
};

std::vector<QueueShape> queue_shapes(const PlanInput& input, const QueueTraits& traits);

std::vector<size_t> stream_capacities(const QueueTraits& traits, bool quick);

// Ping-pong keeps one item in flight, so capacity is not a parameter of it:
// unbounded where possible, else the small capacity (64).
size_t pingpong_capacity(const QueueTraits& traits);

std::vector<WaitMode> wait_modes(const QueueTraits& traits);

}  // namespace contend
