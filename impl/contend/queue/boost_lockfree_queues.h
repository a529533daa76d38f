// Boost.Lockfree's three containers as measured queues:
// boost_lockfree_queue (MPMC FIFO), boost_lockfree_stack (MPMC LIFO) and
// boost_spsc_queue (single-producer single-consumer ring buffer).
//
// What they do not promise, and how the adapters use them:
// - Bounded only, in the sense measured here. queue and stack allocate
//   their nodes up front (capacity of them) and push through bounded_push,
//   which never allocates: plain push() would fall back to operator new
//   when the pool runs dry, and operator new is not lock-free. A node
//   popped goes back to a free list, never to the system. spsc_queue is a
//   fixed ring of `capacity` slots.
// - T must be trivially copyable and trivially destructible (the items are
//   copied in and out with plain assignment, and pop may copy an item
//   that another thread is about to recycle; the copy is discarded if so).
// - Lock-free only where the platform has the needed atomics (x86-64 and
//   AArch64 do: tagged pointers against ABA); is_lock_free() would say.
// - No blocking: callers spin on try_push / try_pop.
// - spsc_queue: exactly one producer thread and one consumer thread, ever.
#pragma once

#include <boost/lockfree/queue.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#include <boost/lockfree/stack.hpp>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "contend/queue/library_call.h"
#include "contend/queue/queue_traits.h"

namespace contend {

namespace boost_queue_detail {
inline size_t require_capacity(size_t capacity, std::string_view id) {
  if (capacity == 0) throw std::invalid_argument(std::string(id) + " needs a capacity > 0");
  return capacity;
}
}  // namespace boost_queue_detail

template <class T>
class BoostLockfreeQueue {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "boost::lockfree::queue needs a trivially copyable, trivially destructible T");

 public:
  using value_type = T;
  static constexpr std::string_view kId = "boost_lockfree_queue";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kBounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  // queue(n) reserves n + 1 nodes: one is the Michael-Scott dummy node.
  explicit BoostLockfreeQueue(size_t capacity)
      : queue_(boost_queue_detail::require_capacity(capacity, kId)) {}

  CONTEND_LIBRARY_CALL bool try_push(const T& item) { return queue_.bounded_push(item); }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_.pop(item); }

 private:
  boost::lockfree::queue<T> queue_;
};

template <class T>
class BoostLockfreeStack {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "boost::lockfree::stack is measured with trivially copyable items only");

 public:
  using value_type = T;
  static constexpr std::string_view kId = "boost_lockfree_stack";
  static constexpr QueueTraits traits{.order = QueueOrder::kLifo,
                                      .capacity = QueueCapacity::kBounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit BoostLockfreeStack(size_t capacity)
      : stack_(boost_queue_detail::require_capacity(capacity, kId)) {}

  CONTEND_LIBRARY_CALL bool try_push(const T& item) { return stack_.bounded_push(item); }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return stack_.pop(item); }

 private:
  boost::lockfree::stack<T> stack_;
};

template <class T>
class BoostSpscQueue {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "boost_spsc_queue";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kBounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kSpsc};

  explicit BoostSpscQueue(size_t capacity)
      : queue_(boost_queue_detail::require_capacity(capacity, kId)) {}

  CONTEND_LIBRARY_CALL bool try_push(const T& item) { return queue_.push(item); }
  CONTEND_LIBRARY_CALL bool try_pop(T& item) { return queue_.pop(item); }

 private:
  boost::lockfree::spsc_queue<T> queue_;
};

}  // namespace contend
