// QueueAdapter: the one interface every measured queue is driven through.
//
// An adapter wraps one queue (ours or a library's) and says, in static
// members, what it is and what it promises:
//
//   template <class T> class MyQueue {
//    public:
//     using value_type = T;
//     static constexpr std::string_view kId = "my_queue";   // stable impl id
//     static constexpr QueueTraits traits{...};             // its promises
//     explicit MyQueue(size_t capacity);   // 0: unbounded / library default
//     bool try_push(const T&);   // false only while full (never blocks)
//     bool try_pop(T&);          // false when it found nothing (never blocks)
//     // traits.blocking only:
//     void push(const T&);       // sleeps while full
//     void pop(T&);              // sleeps until an item arrives
//     // optional, where the queue has a timed wait:
//     bool pop_for(T&, std::chrono::nanoseconds);
//   };
//
// A queue whose ends want per-thread state (moodycamel's tokens) also
// defines nested `Producer` / `Consumer` types constructed from the queue,
// with the same push/pop members; everyone else gets DirectHandle, which
// just forwards. Workers always go through producer_handle_t /
// consumer_handle_t, created before the workers start, one per worker.
//
// A queue that sizes itself by the number of threads that will use it
// (multiqueue: c heaps per thread) also has a constructor
// Q(size_t capacity, int workers); make_queue passes the workload's
// thread count to it, and the capacity alone to everyone else.
//
// try_pop may fail spuriously on some queues (moodycamel's can miss items
// that are mid-enqueue): a failed try_pop means "nothing now", never
// "drained". Callers that must know when everything arrived count items.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "contend/queue/queue_traits.h"

namespace contend {

template <class Q>
concept QueueAdapter = requires(Q& q, const typename Q::value_type& in,
                                typename Q::value_type& out) {
  typename Q::value_type;
  requires std::same_as<std::remove_cv_t<decltype(Q::traits)>, QueueTraits>;
  requires std::convertible_to<decltype(Q::kId), std::string_view>;
  requires std::constructible_from<Q, size_t>;
  { q.try_push(in) } -> std::same_as<bool>;
  { q.try_pop(out) } -> std::same_as<bool>;
};

// Queues that can put a waiting caller to sleep. The traits must agree:
// for_each_queue checks that traits.blocking holds exactly for these.
template <class Q>
concept BlockingQueueAdapter = QueueAdapter<Q> && requires(Q& q, const typename Q::value_type& in,
                                                           typename Q::value_type& out) {
  q.push(in);
  q.pop(out);
};

// Blocking queues that can also give up waiting after a timeout.
template <class Q>
concept TimedQueueAdapter = BlockingQueueAdapter<Q> &&
    requires(Q& q, typename Q::value_type& out, std::chrono::nanoseconds timeout) {
  { q.pop_for(out, timeout) } -> std::same_as<bool>;
};

// Q(capacity, workers) where Q has it, else Q(capacity). Returns a prvalue,
// so it initialises non-movable queues in place (guaranteed copy elision).
template <QueueAdapter Q>
Q make_queue(size_t capacity, int workers) {
  if constexpr (std::constructible_from<Q, size_t, int>) {
    return Q(capacity, workers);
  } else {
    return Q(capacity);
  }
}

// The handle for queues without per-thread state: forwards to the queue.
template <QueueAdapter Q>
class DirectHandle {
 public:
  using value_type = typename Q::value_type;
  explicit DirectHandle(Q& queue) : queue_(&queue) {}

  bool try_push(const value_type& item) { return queue_->try_push(item); }
  bool try_pop(value_type& item) { return queue_->try_pop(item); }
  void push(const value_type& item) requires BlockingQueueAdapter<Q> { queue_->push(item); }
  void pop(value_type& item) requires BlockingQueueAdapter<Q> { queue_->pop(item); }
  bool pop_for(value_type& item, std::chrono::nanoseconds timeout) requires TimedQueueAdapter<Q> {
    return queue_->pop_for(item, timeout);
  }

 private:
  Q* queue_;
};

namespace queue_detail {
template <class Q>
struct ProducerOf { using type = DirectHandle<Q>; };
template <class Q> requires requires { typename Q::Producer; }
struct ProducerOf<Q> { using type = typename Q::Producer; };
template <class Q>
struct ConsumerOf { using type = DirectHandle<Q>; };
template <class Q> requires requires { typename Q::Consumer; }
struct ConsumerOf<Q> { using type = typename Q::Consumer; };
}  // namespace queue_detail

// What one producer / consumer thread uses; construct from the queue.
template <QueueAdapter Q>
using producer_handle_t = typename queue_detail::ProducerOf<Q>::type;
template <QueueAdapter Q>
using consumer_handle_t = typename queue_detail::ConsumerOf<Q>::type;

}  // namespace contend
