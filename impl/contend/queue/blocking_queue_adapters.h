// Adapters that put the project's own BlockingQueue into the measured
// line-up: blocking_fifo, blocking_lifo, blocking_priority.
//
// Promises (see blocking_queue.h): linearizable, since every operation
// holds the one mutex; FIFO / LIFO / smallest-first with equal keys in
// insertion order; bounded when given a capacity, unbounded with 0;
// pop() and a full push() sleep on a condition variable.
// Not promised: progress of anyone while a lock holder is descheduled
// (it is a lock), nor any fairness among sleepers.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "contend/queue/blocking_queue.h"
#include "contend/queue/queue_traits.h"

namespace contend {

template <class T, QueueOrder Order>
class BlockingQueueAdapterFor {
 public:
  using value_type = T;
  static constexpr std::string_view kId = Order == QueueOrder::kFifo   ? "blocking_fifo"
                                          : Order == QueueOrder::kLifo ? "blocking_lifo"
                                                                       : "blocking_priority";
  static constexpr QueueTraits traits{.order = Order,
                                      .capacity = QueueCapacity::kOptional,
                                      .blocking = true,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit BlockingQueueAdapterFor(size_t capacity) : queue_(capacity) {}

  bool try_push(const T& item) { return queue_.put_nowait(item) == QueueResult::kOk; }
  bool try_pop(T& item) { return queue_.get_nowait(item) == QueueResult::kOk; }
  void push(const T& item) { queue_.put(item); }
  void pop(T& item) { queue_.get(item); }
  bool pop_for(T& item, std::chrono::nanoseconds timeout) {
    return queue_.get(item, true, timeout) == QueueResult::kOk;
  }

 private:
  BlockingQueue<T, Order> queue_;
};

template <class T>
using BlockingFifo = BlockingQueueAdapterFor<T, QueueOrder::kFifo>;
template <class T>
using BlockingLifo = BlockingQueueAdapterFor<T, QueueOrder::kLifo>;
template <class T>
using BlockingPriority = BlockingQueueAdapterFor<T, QueueOrder::kPriority>;

}  // namespace contend
