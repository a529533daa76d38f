// The queues contend measures, each an adapter carrying its impl id and traits.
//
// This list is the one place a queue is named: bench_queue registers its
// benchmarks from it and the tests iterate it, each deciding from the
// queue's traits what to run and what to check. Adding a queue is one
// adapter header (see queue_adapter.h) plus one line in AllQueueKinds.
// Ids are stable: renaming one breaks every user's result history.
#pragma once

#include <cstdint>
#include <string_view>

#include "contend/queue/blocking_queue_adapters.h"
#include "contend/queue/boost_lockfree_queues.h"
#include "contend/queue/moodycamel_queues.h"
#include "contend/queue/moodycamel_rw_queue.h"
#include "contend/queue/multiqueue.h"
#include "contend/queue/mutex_queues.h"
#include "contend/queue/queue_adapter.h"
#include "contend/queue/queue_traits.h"
#include "contend/queue/ring_mpmc.h"
#include "contend/queue/ring_spsc.h"
#include "contend/queue/tbb_queues.h"
#include "contend/queue/treiber_stack.h"

namespace contend {

// One entry of the list: the adapter template and what it declares.
// `queue<T>` is the adapter for item type T.
template <template <class> class Adapter>
struct QueueKind {
  template <class T>
  using queue = Adapter<T>;
  using probe = Adapter<uint64_t>;  // traits and id do not depend on T
  static_assert(QueueAdapter<probe>, "an adapter must satisfy QueueAdapter (queue_adapter.h)");
  static_assert(probe::traits.blocking == BlockingQueueAdapter<probe>,
                "traits.blocking must say exactly whether push()/pop() exist");
  static constexpr std::string_view id = probe::kId;
  static constexpr QueueTraits traits = probe::traits;
};

template <class... Kinds>
struct QueueKindList {};

// Every measured queue, in a stable order (the order of bench_queue's rows).
using AllQueueKinds = QueueKindList<
    // FIFO
    QueueKind<MutexDeque>,
    QueueKind<BlockingFifo>,
    QueueKind<BoostLockfreeQueue>,
    QueueKind<Moodycamel>,
    QueueKind<MoodycamelTokens>,
    QueueKind<MoodycamelBlocking>,
    QueueKind<TbbQueue>,
    QueueKind<TbbBoundedQueue>,
    QueueKind<RingMpmc>,
    // LIFO
    QueueKind<MutexVector>,
    QueueKind<BlockingLifo>,
    QueueKind<BoostLockfreeStack>,
    QueueKind<TreiberStack>,
    // Priority (smallest first; multiqueue: relaxed, small keys first)
    QueueKind<MutexPriorityQueue>,
    QueueKind<BlockingPriority>,
    QueueKind<TbbPriorityQueue>,
    QueueKind<MultiQueue>,
    // Single producer, single consumer
    QueueKind<BoostSpscQueue>,
    QueueKind<MoodycamelRwQueue>,
    QueueKind<RingSpsc>>;

// Calls visit(Kind{}) once per entry of AllQueueKinds, in order.
template <class Visitor>
void for_each_queue(Visitor&& visit) {
  [&]<class... Kinds>(QueueKindList<Kinds...>) { (visit(Kinds{}), ...); }(AllQueueKinds{});
}

}  // namespace contend
