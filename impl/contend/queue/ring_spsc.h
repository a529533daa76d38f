// RingSpsc<T> (impl id ring_spsc): contend's own bounded single-producer
// single-consumer ring, the design of rigtorp's SPSCQueue and folly's
// ProducerConsumerQueue.
//
// A ring of capacity + 1 slots and two indices: the producer alone writes
// write_index_, the consumer alone writes read_index_, each on a cache line
// of its own. Each side also keeps a private copy of the *other* side's
// index and reads the shared one only when its copy says "full" (producer)
// or "empty" (consumer): while the ring is neither, an operation touches
// no line the other side writes except the slot itself, and the index
// lines bounce once per catch-up rather than once per item.
//
// Guaranteed:
// - FIFO: items leave in the order they were pushed; nothing is lost or
//   duplicated, so long as there is one producer and one consumer thread.
// - Bounded: holds exactly `capacity` items; try_push fails only while full.
// - Wait-free: try_push and try_pop finish in a bounded number of steps
//   (no loops, no CAS), whatever the other side does.
// Not guaranteed:
// - Anything at all with two producer threads or two consumer threads at
//   once (one thread per end at a time; handing an end to another thread
//   needs a happens-before edge, a join or a mutex, between the two users).
// - Blocking: there is no sleeping pop or push; callers spin on try_*.
// - Destruction of popped items: slots hold T objects for the ring's
//   lifetime, and a popped item's copy stays in its slot until overwritten,
//   so T should be a plain value (default-constructible, copy-assignable).
#pragma once

#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "contend/harness/cache_line.h"
#include "contend/queue/queue_traits.h"
#include "contend/sync/std_atomics.h"

namespace contend {

// Platform: std::atomic, or Relacy's in the model check (std_atomics.h,
// tests/queue/queue_models.cc).
template <class T, class Platform = StdAtomics>
class RingSpsc {
  template <class U>
  using Atomic = typename Platform::template Atomic<U>;

 public:
  using value_type = T;
  static constexpr std::string_view kId = "ring_spsc";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kBounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kSpsc};

  // One slot more than the capacity: "full" is write + 1 == read, so the
  // write index never catches up with the read index.
  explicit RingSpsc(size_t capacity)
      : slot_count_(checked(capacity) + 1), slots_(slot_count_) {}
  RingSpsc(const RingSpsc&) = delete;
  RingSpsc& operator=(const RingSpsc&) = delete;

  size_t capacity() const { return slot_count_ - 1; }

  // Producer only.
  bool try_push(const T& item) {
    // Relaxed: only this thread writes write_index_.
    const size_t write = write_index_.load(std::memory_order_relaxed);
    const size_t next = advance(write);
    if (next == read_index_cache_) {
      // Looks full: refresh the copy. Acquire pairs with the release store
      // in try_pop, so the consumer's read of the slot it freed happens
      // before our write into it.
      read_index_cache_ = read_index_.load(std::memory_order_acquire);
      if (next == read_index_cache_) return false;
    }
    slots_[write] = item;
    // Release: publishes the slot's value; pairs with the acquire load of
    // write_index_ in try_pop.
    write_index_.store(next, std::memory_order_release);
    return true;
  }

  // Consumer only.
  bool try_pop(T& item) {
    // Relaxed: only this thread writes read_index_.
    const size_t read = read_index_.load(std::memory_order_relaxed);
    if (read == write_index_cache_) {
      // Looks empty: refresh the copy. Acquire pairs with the release
      // store in try_push, so the slot's value is visible.
      write_index_cache_ = write_index_.load(std::memory_order_acquire);
      if (read == write_index_cache_) return false;
    }
    item = slots_[read];
    // Release: our read of the slot happens before the producer reuses it;
    // pairs with the acquire load of read_index_ in try_push.
    read_index_.store(advance(read), std::memory_order_release);
    return true;
  }

 private:
  static size_t checked(size_t capacity) {
    if (capacity == 0) throw std::invalid_argument(std::string(kId) + " needs a capacity > 0");
    return capacity;
  }
  size_t advance(size_t index) const { return index + 1 == slot_count_ ? 0 : index + 1; }

  const size_t slot_count_;
  // Whole cache lines of their own: no other heap object shares the first
  // or last slot's line.
  std::vector<T, CacheLineAllocator<T>> slots_;
  // Producer's line: its index (read by the consumer on refresh) ...
  alignas(kCacheLineBytes) Atomic<size_t> write_index_{0};
  // ... and its private copy of the consumer's index, on a line of its own
  // so that the consumer's refresh does not take it away from the producer.
  alignas(kCacheLineBytes) size_t read_index_cache_ = 0;
  // The consumer's, symmetrically.
  alignas(kCacheLineBytes) Atomic<size_t> read_index_{0};
  // (The class's alignment rounds its size up to whole lines, so nothing
  // else on the heap shares this last one either.)
  alignas(kCacheLineBytes) size_t write_index_cache_ = 0;
};

}  // namespace contend
