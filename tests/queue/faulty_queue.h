// FaultyQueue: a queue that misbehaves in one way, on purpose, for the
// tests that show bench_queue's judges catch it (queue_workload_test.cc,
// open_loop_test.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string_view>

#include "contend/queue/queue_item.h"
#include "contend/queue/queue_traits.h"

namespace contend {

enum class Fault { kLose, kDuplicate, kReorder, kCorrupt, kNone };

// A mutex deque with a fault every 97th push (deterministically: the
// faults do not depend on timing) and whatever order it claims.
template <class T, Fault F, QueueOrder Claimed = QueueOrder::kFifo>
class FaultyQueue {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "faulty";
  static constexpr QueueTraits traits{.order = Claimed,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};
  explicit FaultyQueue(size_t) {}

  bool try_push(const T& item) {
    std::lock_guard lock(mutex_);
    const bool strike = ++pushes_ % 97 == 0 && item.word != kStopWord;
    if (strike && F == Fault::kLose) return true;
    T copy = item;
    if (strike && F == Fault::kReorder) {  // held back: the next item overtakes it
      held_ = copy;
      holding_ = true;
      return true;
    }
    if (strike && F == Fault::kCorrupt) copy.word ^= uint64_t{1} << 38;  // producer id += 256
    items_.push_back(copy);
    if (strike && F == Fault::kDuplicate) items_.push_back(copy);
    if (holding_) {
      items_.push_back(held_);
      holding_ = false;
    }
    return true;
  }
  bool try_pop(T& item) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    item = items_.front();
    items_.pop_front();
    return true;
  }

 private:
  std::mutex mutex_;
  std::deque<T> items_;
  uint64_t pushes_ = 0;
  T held_{};
  bool holding_ = false;
};

}  // namespace contend
