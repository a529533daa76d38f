// QueueTraits: what a queue promises, stated once, next to its adapter.
//
// bench_queue and the tests read these to decide what they may run and
// check on a queue (which producer:consumer shapes, which capacities,
// blocking or spinning waits, which order to verify); nothing downstream
// keeps its own per-queue list. A trait is a promise: claiming an order
// the queue does not keep turns its benchmark rows into errors.
#pragma once

#include <cstddef>
#include <string_view>

namespace contend {

// The order a queue hands items out in.
//   kFifo      items of one producer leave in the order that producer put
//              them in, as seen by any one consumer. (Whether items of
//              different producers are ordered by time is not promised.)
//   kLifo      a quiescent queue is drained newest first.
//   kPriority  smallest first by operator<. Ties are in no promised order
//              unless the queue's own comment says otherwise.
//   kRelaxedPriority  small keys first, with high probability, not always:
//              a pop returns an item of small rank (few smaller items
//              present), not necessarily the smallest, even in a quiescent
//              queue (multiqueue). Checked like kNone (every item leaves
//              exactly once); how relaxed it is, is measured (the priority
//              family's `quality` benchmark, rank_error.h), not judged.
//   kNone      no order at all: only "every item leaves exactly once".
enum class QueueOrder { kFifo, kLifo, kPriority, kRelaxedPriority, kNone };

// Whether the queue can refuse an item for lack of room.
//   kUnbounded  grows as needed; the capacity given at construction (if
//               any) is a size hint, try_push fails only on out-of-memory.
//   kBounded    needs a capacity; try_push fails while it is full.
//   kOptional   bounded when given a capacity, unbounded when given 0
//               (Python's maxsize).
enum class QueueCapacity { kUnbounded, kBounded, kOptional };

// How many threads may use each end at once.
enum class QueueConcurrency { kSpsc, kMpsc, kMpmc };

struct QueueTraits {
  QueueOrder order = QueueOrder::kNone;
  QueueCapacity capacity = QueueCapacity::kUnbounded;
  // pop() sleeps until an item arrives (and push() while a bounded queue
  // is full) instead of the caller having to spin on try_pop/try_push.
  bool blocking = false;
  QueueConcurrency concurrency = QueueConcurrency::kMpmc;

  constexpr bool can_be_bounded() const { return capacity != QueueCapacity::kUnbounded; }
  constexpr bool can_be_unbounded() const { return capacity != QueueCapacity::kBounded; }
  constexpr bool multi_producer() const { return concurrency != QueueConcurrency::kSpsc; }
  constexpr bool multi_consumer() const { return concurrency == QueueConcurrency::kMpmc; }
  // Whether `producers` producers and `consumers` consumers may share it.
  constexpr bool allows(int producers, int consumers) const {
    return producers >= 1 && consumers >= 1 && (producers == 1 || multi_producer()) &&
           (consumers == 1 || multi_consumer());
  }
};

std::string_view to_string(QueueOrder order);
std::string_view to_string(QueueCapacity capacity);
std::string_view to_string(QueueConcurrency concurrency);

// The benchmark family a queue's rows belong to: "spsc" for single-producer
// single-consumer queues (they are only comparable with each other), else
// its order: "fifo", "lifo", "priority" (relaxed priority queues too: they
// compete for the strict ones' job). Unordered queues compete for the
// FIFO queues' job and are listed with them as "fifo" (order unchecked).
std::string_view queue_family(const QueueTraits& traits);

}  // namespace contend
