// oneTBB's concurrent containers as measured queues: tbb_queue
// (concurrent_queue), tbb_bounded_queue (concurrent_bounded_queue) and
// tbb_priority_queue (concurrent_priority_queue, smallest first here).
//
// What they do not promise:
// - concurrent_queue / concurrent_bounded_queue spread items over several
//   micro-queues by ticket: FIFO holds for the items of one producer as
//   seen by one consumer; how items of different producers interleave is
//   not specified. tbb_queue is unbounded (allocates as it grows).
// - concurrent_bounded_queue has no timed pop: pop() waits until an item
//   arrives (or abort()), so this adapter has push/pop but no pop_for.
//   Its waits spin briefly, then sleep in TBB's own monitor.
// - concurrent_priority_queue keeps no order among equal keys (no FIFO
//   among ties, unlike blocking_priority), does not block, and serialises
//   operations through an aggregator: one thread applies a batch of other
//   threads' pushes and pops while they wait, so it is not lock-free.
#pragma once

#include <oneapi/tbb/concurrent_priority_queue.h>
#include <oneapi/tbb/concurrent_queue.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "contend/queue/library_call.h"
#include "contend/queue/queue_traits.h"

namespace contend {

template <class T>
class TbbQueue {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "tbb_queue";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit TbbQueue(size_t /*capacity hint: concurrent_queue has no reserve*/) {}

  CONTEND_LIBRARY_CALL bool try_push(const T& item) {
    queue_.push(item);
    return true;
  }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_.try_pop(item); }

 private:
  oneapi::tbb::concurrent_queue<T> queue_;
};

template <class T>
class TbbBoundedQueue {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "tbb_bounded_queue";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kBounded,
                                      .blocking = true,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit TbbBoundedQueue(size_t capacity) {
    if (capacity == 0) throw std::invalid_argument(std::string(kId) + " needs a capacity > 0");
    queue_.set_capacity(static_cast<std::ptrdiff_t>(capacity));
  }

  CONTEND_LIBRARY_CALL bool try_push(const T& item) { return queue_.try_push(item); }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_.try_pop(item); }
  CONTEND_LIBRARY_CALL void push(const T& item) { queue_.push(item); }
  CONTEND_LIBRARY_CALL void pop(T& item) { queue_.pop(item); }

 private:
  oneapi::tbb::concurrent_bounded_queue<T> queue_;
};

template <class T>
class TbbPriorityQueue {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "tbb_priority_queue";
  static constexpr QueueTraits traits{.order = QueueOrder::kPriority,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit TbbPriorityQueue(size_t capacity_hint) : queue_(capacity_hint) {}

  CONTEND_LIBRARY_CALL bool try_push(const T& item) {
    queue_.push(item);
    return true;
  }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_.try_pop(item); }

 private:
  // TBB pops the *greatest* by its Compare; invert for smallest first.
  struct Later {
    bool operator()(const T& a, const T& b) const { return b < a; }
  };
  oneapi::tbb::concurrent_priority_queue<T, Later> queue_;
};

}  // namespace contend
