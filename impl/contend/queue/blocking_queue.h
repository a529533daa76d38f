// BlockingQueue: Python's queue.Queue / LifoQueue / PriorityQueue in C++.
//
// One mutex and two condition variables (not_empty, not_full), exactly the
// structure of CPython's queue module, so it is the honest baseline the
// lock-free queues are measured against. Semantics follow Python:
//
//   maxsize 0           unbounded; otherwise put() waits while qsize() == maxsize
//   put(item, block, timeout) / get(out, block, timeout)
//                       block=false: never wait; block=true, no timeout:
//                       wait as long as needed; with a timeout: wait at most
//                       that long, then report kFull / kEmpty. Results are a
//                       QueueResult, not exceptions: a full or empty queue is
//                       an ordinary outcome in a hot loop.
//   put_nowait / get_nowait  the same as block=false.
//   qsize / empty / full     a snapshot, stale as soon as it is returned.
//   task_done / join     join() waits until every item ever put has been
//                       matched by a task_done() call (a third condition
//                       variable, as in Python).
//   close(immediate)     Python 3.13's shutdown(): every later put() and
//                       every get() on an empty queue returns kClosed, and
//                       every blocked put()/get() wakes up to see it, so a
//                       shutdown never hangs on a sleeping worker. With
//                       immediate=true the remaining items are discarded
//                       (and count as done for join()).
//
// Orders: kFifo (std::deque), kLifo (std::vector), kPriority (a binary
// heap: smallest by Compare first, equal keys in insertion order, like
// Python's heap entries (priority, counter, item)). kNone is not offered.
//
// Waits sleep on the condition variables, never spin. Signals go out only
// when someone is waiting, after the mutex is released, so an uncontended
// put/get costs one lock round trip and no system call.
//
// The mutex and the condition variables come from a Platform parameter
// (default BlockingQueueStdSync: std::mutex, std::condition_variable), so
// that tests/queue/blocking_queue_model.cc checks this very code under
// Relacy's mutex and condition variable (tests/support/relacy_platform.h:
// RelacySync). A Platform has Mutex (lock/unlock, for std::unique_lock) and
// ConditionVariable (notify_one, notify_all, wait(lock, pred),
// wait_until(lock, steady_clock deadline, pred) -> bool), as std's.
//
// Not promised: fairness among waiters (whoever the OS wakes first wins),
// and a put() given an rvalue keeps the caller's object only when the
// result is not kOk.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "contend/queue/queue_traits.h"

namespace contend {

enum class QueueResult {
  kOk,      // the item went in / came out
  kFull,    // put: no room (right away, or within the timeout)
  kEmpty,   // get: no item (right away, or within the timeout)
  kClosed,  // close() was called: no more puts; gets only drain what is left
};

std::string_view to_string(QueueResult status);

// BlockingQueue's default Platform (see the header comment).
struct BlockingQueueStdSync {
  using Mutex = std::mutex;
  using ConditionVariable = std::condition_variable;
};

namespace blocking_queue_detail {

template <class T, QueueOrder Order, class Compare>
class Storage;

template <class T, class Compare>
class Storage<T, QueueOrder::kFifo, Compare> {
 public:
  template <class U>
  void push(U&& item) { items_.push_back(std::forward<U>(item)); }
  void pop(T& out) {
    out = std::move(items_.front());
    items_.pop_front();
  }
  size_t size() const { return items_.size(); }
  void clear() { items_.clear(); }

 private:
  std::deque<T> items_;
};

template <class T, class Compare>
class Storage<T, QueueOrder::kLifo, Compare> {
 public:
  template <class U>
  void push(U&& item) { items_.push_back(std::forward<U>(item)); }
  void pop(T& out) {
    out = std::move(items_.back());
    items_.pop_back();
  }
  size_t size() const { return items_.size(); }
  void clear() { items_.clear(); }

 private:
  std::vector<T> items_;
};

template <class T, class Compare>
class Storage<T, QueueOrder::kPriority, Compare> {
 public:
  template <class U>
  void push(U&& item) {
    heap_.push_back(Entry{std::forward<U>(item), next_sequence_++});
    std::push_heap(heap_.begin(), heap_.end(), Later{compare_});
  }
  void pop(T& out) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{compare_});
    out = std::move(heap_.back().value);
    heap_.pop_back();
  }
  size_t size() const { return heap_.size(); }
  void clear() { heap_.clear(); }

 private:
  struct Entry {
    T value;
    uint64_t sequence;  // insertion order: breaks ties, so equal keys stay FIFO
  };
  // std heaps put the *greatest* element on top; "greater" here means
  // "leaves earlier": a smaller key, or an equal key inserted earlier.
  struct Later {
    Compare& compare;
    bool operator()(const Entry& a, const Entry& b) const {
      if (compare(b.value, a.value)) return true;
      if (compare(a.value, b.value)) return false;
      return a.sequence > b.sequence;
    }
  };
  std::vector<Entry> heap_;
  uint64_t next_sequence_ = 0;
  Compare compare_;
};

}  // namespace blocking_queue_detail

template <class T, QueueOrder Order = QueueOrder::kFifo, class Compare = std::less<T>,
          class Platform = BlockingQueueStdSync>
class BlockingQueue {
  static_assert(Order != QueueOrder::kNone, "BlockingQueue orders are FIFO, LIFO or priority");
  using Mutex = typename Platform::Mutex;
  using ConditionVariable = typename Platform::ConditionVariable;

 public:
  using value_type = T;
  using Timeout = std::optional<std::chrono::nanoseconds>;

  explicit BlockingQueue(size_t maxsize = 0) : maxsize_(maxsize) {}
  BlockingQueue(const BlockingQueue&) = delete;
  BlockingQueue& operator=(const BlockingQueue&) = delete;

  // Python: put(item, block=True, timeout=None). A negative timeout is a
  // caller bug and throws std::invalid_argument, as Python raises ValueError.
  QueueResult put(const T& item, bool block = true, Timeout timeout = std::nullopt) {
    return put_impl(item, block, timeout);
  }
  QueueResult put(T&& item, bool block = true, Timeout timeout = std::nullopt) {
    return put_impl(std::move(item), block, timeout);
  }
  QueueResult put_nowait(const T& item) { return put_impl(item, false, std::nullopt); }
  QueueResult put_nowait(T&& item) { return put_impl(std::move(item), false, std::nullopt); }

  // Python: get(block=True, timeout=None); the item lands in `out` on kOk.
  QueueResult get(T& out, bool block = true, Timeout timeout = std::nullopt) {
    std::unique_lock lock(mutex_);
    if (!wait_until_ready(lock, not_empty_, getters_waiting_, block, timeout,
                          [this] { return storage_.size() > 0 || closed_; })) {
      return QueueResult::kEmpty;
    }
    if (storage_.size() == 0) return QueueResult::kClosed;
    storage_.pop(out);
    const bool wake_putter = putters_waiting_ > 0;
    lock.unlock();
    if (wake_putter) not_full_.notify_one();
    return QueueResult::kOk;
  }
  QueueResult get_nowait(T& out) { return get(out, false); }

  size_t qsize() const {
    std::lock_guard lock(mutex_);
    return storage_.size();
  }
  bool empty() const { return qsize() == 0; }
  bool full() const {
    std::lock_guard lock(mutex_);
    return maxsize_ > 0 && storage_.size() >= maxsize_;
  }
  size_t maxsize() const { return maxsize_; }

  // Snapshots for tests and diagnostics: callers asleep in get() / put(),
  // and items put but not yet marked done (Python's unfinished_tasks).
  size_t waiting_getters() const {
    std::lock_guard lock(mutex_);
    return getters_waiting_;
  }
  size_t waiting_putters() const {
    std::lock_guard lock(mutex_);
    return putters_waiting_;
  }
  uint64_t unfinished_tasks() const {
    std::lock_guard lock(mutex_);
    return unfinished_tasks_;
  }

  // Marks one item taken by get() as processed. More calls than items put
  // is a caller bug: throws std::logic_error (Python raises ValueError).
  void task_done() {
    std::unique_lock lock(mutex_);
    if (unfinished_tasks_ == 0) throw std::logic_error("task_done() called too many times");
    if (--unfinished_tasks_ == 0) {
      lock.unlock();
      all_tasks_done_.notify_all();
    }
  }

  // Waits until every item put so far has been marked done.
  void join() {
    std::unique_lock lock(mutex_);
    all_tasks_done_.wait(lock, [this] { return unfinished_tasks_ == 0; });
  }

  // See the header comment. Idempotent; close(true) after close() still
  // discards what is left.
  void close(bool immediate = false) {
    std::unique_lock lock(mutex_);
    closed_ = true;
    bool all_done = false;
    if (immediate) {
      const size_t discarded = storage_.size();
      storage_.clear();
      unfinished_tasks_ -= std::min<uint64_t>(unfinished_tasks_, discarded);
      all_done = unfinished_tasks_ == 0;
    }
    lock.unlock();
    not_empty_.notify_all();
    not_full_.notify_all();
    if (all_done) all_tasks_done_.notify_all();
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  template <class U>
  QueueResult put_impl(U&& item, bool block, Timeout timeout) {
    std::unique_lock lock(mutex_);
    if (!wait_until_ready(lock, not_full_, putters_waiting_, block, timeout, [this] {
          return closed_ || maxsize_ == 0 || storage_.size() < maxsize_;
        })) {
      return QueueResult::kFull;
    }
    if (closed_) return QueueResult::kClosed;
    storage_.push(std::forward<U>(item));
    ++unfinished_tasks_;
    const bool wake_getter = getters_waiting_ > 0;
    lock.unlock();
    if (wake_getter) not_empty_.notify_one();
    return QueueResult::kOk;
  }

  // Waits (per block/timeout) until ready() holds; false if it never did.
  // `waiting` counts sleepers on `cv` so that the other side signals only
  // when somebody is there to wake.
  template <class Ready>
  static bool wait_until_ready(std::unique_lock<Mutex>& lock, ConditionVariable& cv,
                               size_t& waiting, bool block, Timeout timeout, Ready ready) {
    if (ready()) return true;
    if (!block) return false;
    if (timeout && timeout->count() < 0)
      throw std::invalid_argument("timeout must be a non-negative duration");
    ++waiting;
    bool ok;
    if (!timeout) {
      cv.wait(lock, ready);
      ok = true;
    } else {
      ok = cv.wait_until(lock, deadline_after(*timeout), ready);
    }
    --waiting;
    return ok;
  }

  static std::chrono::steady_clock::time_point deadline_after(std::chrono::nanoseconds timeout) {
    const auto now = std::chrono::steady_clock::now();
    // A timeout of "years" must not overflow into the past.
    if (timeout >= std::chrono::steady_clock::time_point::max() - now)
      return std::chrono::steady_clock::time_point::max();
    return now + timeout;
  }

  mutable Mutex mutex_;
  ConditionVariable not_empty_;  // getters sleep here
  ConditionVariable not_full_;   // putters sleep here (bounded queues)
  ConditionVariable all_tasks_done_;
  blocking_queue_detail::Storage<T, Order, Compare> storage_;
  const size_t maxsize_;
  size_t getters_waiting_ = 0;
  size_t putters_waiting_ = 0;
  uint64_t unfinished_tasks_ = 0;
  bool closed_ = false;
};

template <class T, class Compare = std::less<T>>
using BlockingFifoQueue = BlockingQueue<T, QueueOrder::kFifo, Compare>;
template <class T, class Compare = std::less<T>>
using BlockingLifoQueue = BlockingQueue<T, QueueOrder::kLifo, Compare>;
template <class T, class Compare = std::less<T>>
using BlockingPriorityQueue = BlockingQueue<T, QueueOrder::kPriority, Compare>;

}  // namespace contend
