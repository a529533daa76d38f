// moodycamel::ConcurrentQueue in its three uses: moodycamel (no tokens),
// moodycamel_tokens (a ProducerToken / ConsumerToken per thread) and
// moodycamel_blocking (BlockingConcurrentQueue, consumers may sleep).
//
// What it does not promise:
// - FIFO only per producer. Each producer (a token, or without tokens the
//   calling thread) fills its own sub-queue; consumers visit sub-queues in
//   an unspecified order, so items of different producers leave in no
//   particular order, and the queue is not linearizable.
// - try_dequeue can fail while items are present (an enqueue still in
//   flight, or a sub-queue it did not look at): "false" is not "empty".
// - Unbounded: enqueue allocates blocks as needed (and keeps them until the
//   queue dies); try_push fails only if that allocation fails.
// - moodycamel_blocking's pop() spins briefly on its semaphore before it
//   sleeps, so a "blocking" consumer is not purely asleep while it waits.
// - A token belongs to one thread at a time; the adapter's Producer and
//   Consumer handles carry them, one per worker.
#pragma once

#include <concurrentqueue/blockingconcurrentqueue.h>
#include <concurrentqueue/concurrentqueue.h>

#include <chrono>
#include <cstddef>
#include <string_view>

#include "contend/queue/library_call.h"
#include "contend/queue/queue_traits.h"

namespace contend {

namespace moodycamel_detail {
// The library's own default initial size when the caller gives no hint.
inline size_t initial_size(size_t capacity_hint) {
  return capacity_hint ? capacity_hint : 6 * moodycamel::ConcurrentQueueDefaultTraits::BLOCK_SIZE;
}
}  // namespace moodycamel_detail

template <class T>
class Moodycamel {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "moodycamel";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit Moodycamel(size_t capacity_hint)
      : queue_(moodycamel_detail::initial_size(capacity_hint)) {}

  CONTEND_LIBRARY_CALL bool try_push(const T& item) { return queue_.enqueue(item); }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_.try_dequeue(item); }

 private:
  moodycamel::ConcurrentQueue<T> queue_;
};

template <class T>
class MoodycamelTokens {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "moodycamel_tokens";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit MoodycamelTokens(size_t capacity_hint)
      : queue_(moodycamel_detail::initial_size(capacity_hint)) {}

  // Without a handle (tests, setup code) it behaves like `moodycamel`.
  CONTEND_LIBRARY_CALL bool try_push(const T& item) { return queue_.enqueue(item); }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_.try_dequeue(item); }

  class Producer {
   public:
    using value_type = T;
    explicit Producer(MoodycamelTokens& q) : queue_(&q.queue_), token_(q.queue_) {}
    CONTEND_LIBRARY_CALL bool try_push(const T& item) { return queue_->enqueue(token_, item); }

   private:
    moodycamel::ConcurrentQueue<T>* queue_;
    moodycamel::ProducerToken token_;
  };

  class Consumer {
   public:
    using value_type = T;
    explicit Consumer(MoodycamelTokens& q) : queue_(&q.queue_), token_(q.queue_) {}
    CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_->try_dequeue(token_, item); }

   private:
    moodycamel::ConcurrentQueue<T>* queue_;
    moodycamel::ConsumerToken token_;
  };

 private:
  moodycamel::ConcurrentQueue<T> queue_;
};

template <class T>
class MoodycamelBlocking {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "moodycamel_blocking";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = true,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit MoodycamelBlocking(size_t capacity_hint)
      : queue_(moodycamel_detail::initial_size(capacity_hint)) {}

  CONTEND_LIBRARY_CALL bool try_push(const T& item) { return queue_.enqueue(item); }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_.try_dequeue(item); }
  CONTEND_LIBRARY_CALL void push(const T& item) { queue_.enqueue(item); }  // unbounded: never waits
  CONTEND_LIBRARY_CALL void pop(T& item) { queue_.wait_dequeue(item); }
  CONTEND_LIBRARY_CALL bool pop_for(T& item, std::chrono::nanoseconds timeout) {
    return queue_.wait_dequeue_timed(item, std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  }

 private:
  moodycamel::BlockingConcurrentQueue<T> queue_;
};

}  // namespace contend
