// What bench_queue measures for one queue on a machine, derived from the
// queue's traits and the ladder, never from a per-queue list.
//
// Benchmarks, each at every wait mode, payload and placement map it gets:
//   throughput  at every shape and capacity below;
//   drain       full run only, every shape, 8-byte items: ordering is what
//               it checks, so one payload is enough; every item fits in the
//               queue, so producers never wait for consumers;
//   pingpong    two workers, one item in flight;
//   latency     open loop (open_loop_benchmark.h), 8-byte items, at offered
//               loads of 10, 50, 80 and 95% of the queue's saturation
//               (quick: 50% only), the quick run's capacity (unbounded where
//               possible, else 65536), shapes 1:1 and the N:N of the largest
//               ladder point that fits the machine (quick: 1:1 only); in a
//               quick run compact's placement map only: a latency curve asks
//               about load, and the throughput rows already cover placement.
//   quality     priority queues (strict and relaxed) only: the rank error
//               of their pops (rank_error_workload.h), W threads each
//               popping and pushing, 8-byte items, prefill 4096; every
//               ladder point (quick: the largest that fits, compact only).
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
// A latency episode is 10 ms of schedule in both, at least 1000 items: its
// length is set by the offered rate, not by an item count.
#pragma once

#include <cstddef>
#include <string_view>
#include <variant>
#include <vector>

#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/queue/item_exchange.h"
#include "contend/queue/open_loop_benchmark.h"
#include "contend/queue/queue_pingpong_workload.h"
#include "contend/queue/rank_error_workload.h"
#include "contend/queue/queue_traits.h"
#include "contend/queue/wait_mode.h"
#include "contend/topology/placement.h"

namespace contend {

struct QueueScenario {
  BenchmarkId id;     // family from the traits, impl the queue's id
  size_t payload = 8; // item bytes: QueueItem<8> or QueueItem<64>
  // throughput (kStream) and drain (kDrain), pingpong, latency, or quality
  std::variant<ProducerConsumerConfig, QueuePingPongConfig, OpenLoopLatencyConfig, RankErrorConfig>
      config;
  std::vector<Place> places;  // producers first, then consumers
};

// The queue `impl` with `traits`: per payload, throughput, drain, pingpong;
// then latency; then quality (priority queues).
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

// The latency benchmark's shapes: 1:1, and in a full run the N:N (N = W/2)
// of the largest ladder point W that fits the machine, where the traits
// allow it. (A machine with no such point of two workers gets its
// oversubscribed 1:1.)
std::vector<QueueShape> latency_shapes(const PlanInput& input, const QueueTraits& traits);

// Its offered loads, percent of saturation: 10, 50, 80, 95; quick: 50.
std::vector<int> latency_loads(bool quick);

// Whether the quality benchmark applies: strict or relaxed priority order.
bool measures_rank_error(const QueueTraits& traits);

}  // namespace contend
