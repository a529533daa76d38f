// The naive baselines: a standard container behind one std::mutex, the
// code most programs start with. mutex_deque (FIFO), mutex_vector (LIFO),
// mutex_priority_queue (smallest first).
//
// Promises: linearizable (one lock around everything), unbounded, the
// container's order. Not promised: blocking waits (there is no condition
// variable: callers spin on try_pop), progress while the lock holder is
// descheduled, and for mutex_priority_queue any order among equal keys
// (std::priority_queue is a plain heap, not stable).
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <queue>
#include <string_view>
#include <utility>
#include <vector>

#include "contend/queue/queue_traits.h"

namespace contend {

template <class T>
class MutexDeque {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "mutex_deque";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit MutexDeque(size_t /*capacity hint: a deque has no reserve*/) {}

  bool try_push(const T& item) {
    std::lock_guard lock(mutex_);
    items_.push_back(item);
    return true;
  }
  bool try_pop(T& item) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    item = std::move(items_.front());
    items_.pop_front();
    return true;
  }

 private:
  std::mutex mutex_;
  std::deque<T> items_;
};

template <class T>
class MutexVector {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "mutex_vector";
  static constexpr QueueTraits traits{.order = QueueOrder::kLifo,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit MutexVector(size_t capacity_hint) { items_.reserve(capacity_hint); }

  bool try_push(const T& item) {
    std::lock_guard lock(mutex_);
    items_.push_back(item);
    return true;
  }
  bool try_pop(T& item) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    item = std::move(items_.back());
    items_.pop_back();
    return true;
  }

 private:
  std::mutex mutex_;
  std::vector<T> items_;
};

template <class T>
class MutexPriorityQueue {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "mutex_priority_queue";
  static constexpr QueueTraits traits{.order = QueueOrder::kPriority,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit MutexPriorityQueue(size_t /*capacity hint*/) {}

  bool try_push(const T& item) {
    std::lock_guard lock(mutex_);
    items_.push(item);
    return true;
  }
  bool try_pop(T& item) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    item = items_.top();
    items_.pop();
    return true;
  }

 private:
  // std::priority_queue keeps the *greatest* on top; invert for smallest first.
  struct Later {
    bool operator()(const T& a, const T& b) const { return b < a; }
  };
  std::mutex mutex_;
  std::priority_queue<T, std::vector<T>, Later> items_;
};

}  // namespace contend
