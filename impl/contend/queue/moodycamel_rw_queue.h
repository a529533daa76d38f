// moodycamel::ReaderWriterQueue as moodycamel_rwqueue: a single-producer
// single-consumer FIFO made of a linked list of ring buffers.
//
// What it does not promise: more than one producer thread or more than one
// consumer thread (ever, not merely at a time); a bound (enqueue allocates
// another block when the current ones are full; try_push fails only if
// that allocation fails); blocking waits (the blocking variant is a
// different class, not measured here).
#pragma once

#include <readerwriterqueue/readerwriterqueue.h>

#include <cstddef>
#include <string_view>

#include "contend/queue/library_call.h"
#include "contend/queue/queue_traits.h"

namespace contend {

template <class T>
class MoodycamelRwQueue {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "moodycamel_rwqueue";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kSpsc};

  // 15 is the library's own default initial size.
  explicit MoodycamelRwQueue(size_t capacity_hint) : queue_(capacity_hint ? capacity_hint : 15) {}

  CONTEND_LIBRARY_CALL bool try_push(const T& item) { return queue_.enqueue(item); }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_.try_dequeue(item); }

 private:
  moodycamel::ReaderWriterQueue<T> queue_;
};

}  // namespace contend
