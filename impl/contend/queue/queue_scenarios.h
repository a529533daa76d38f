// What bench_queue runs for one queue on this machine, derived from the
// queue's traits and the ladder, never from a per-queue list.
//
// Shapes (producers:consumers). A ladder point of W workers (W >= 2) gives
//   1:(W-1), (W-1):1 and N:N with N = W/2,
// so that producers + consumers = W: the point's hardware, all of it busy.
// For an odd W, N:N rounds down (W-1 workers) except at the oversubscribed
// point, where it rounds up so that it stays oversubscribed. Shapes that
// coincide (W = 2 gives 1:1 three times) are kept once, in ladder order.
// A point of one worker has no shape: a queue needs both ends. Only shapes
// the queue's concurrency allows survive: SPSC queues run 1:1 alone, MPSC
// queues N:1 and 1:1. The quick plan keeps 1:1 and the N:N shapes.
//
// Capacities (the `capacity` parameter; 0 means unbounded): unbounded
// queues run unbounded; bounded ones at 64 (nearly always full or empty:
// the waiting paths) and 65536 (rarely full: the fast paths); queues that
// can be either run all three. Quick: unbounded where possible, else 65536.
//
// Wait modes: spin everywhere; block too where the queue can block.
#pragma once

#include <cstddef>
#include <vector>

#include "contend/queue/queue_traits.h"
#include "contend/queue/wait_mode.h"
#include "contend/topology/ladder.h"

namespace contend {

struct QueueShape {
  int producers = 1;
  int consumers = 1;
  bool oversubscribed = false;
  int threads() const { return producers + consumers; }
  bool operator==(const QueueShape&) const = default;
};

std::vector<QueueShape> queue_shapes(const std::vector<LadderPoint>& ladder,
                                     const QueueTraits& traits, bool quick);

std::vector<size_t> stream_capacities(const QueueTraits& traits, bool quick);

// Ping-pong keeps one item in flight, so capacity is not a parameter of it:
// unbounded where possible, else the small capacity (64).
size_t pingpong_capacity(const QueueTraits& traits);

std::vector<WaitMode> wait_modes(const QueueTraits& traits);

}  // namespace contend
