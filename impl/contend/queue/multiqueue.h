// MultiQueue<T> (impl id multiqueue): contend's own relaxed priority queue,
// the MultiQueue of Rihani, Sanders and Dementiev (SPAA 2015), next to the
// strict tbb_priority_queue: it gives up "always the smallest" for "one of
// the smallest", and in exchange no lock or word is shared by every thread.
//
// How it works. c x W heaps (W: the threads the queue is built for, c:
// kHeapsPerWorker), each a std::vector binary min-heap behind its own small
// spinlock (TtasLock), with a cached copy of its top key that threads read
// without the lock. A push locks a random heap (try_lock; on contention it
// tries another random one, so pushers spread instead of queueing) and
// pushes there. A pop picks two random heaps, compares their cached tops,
// locks the better one (try_lock, else two new random heaps), re-checks
// under the lock that the heap is not empty, and pops its top. With c x W
// heaps and only W threads, at least (c - 1) x W heaps are unlocked at any
// moment, so a try_lock rarely fails; with two choices the popped key is,
// in expectation, among the O(c x W) smallest present (the paper's
// analysis; the `quality` benchmark measures it, see rank_error.h).
//
// Why c = 2: the paper's choice. c is the dial between contention (few
// heaps: threads collide on locks) and quality (the expected rank error
// grows linearly with the number of heaps); 2 already makes a collision
// on push unlikely (half the heaps free at worst) while keeping the rank
// error a small multiple of the thread count. The template parameter is
// there to turn the dial; only c = 2 is measured.
//
// Why a spinlock (TtasLock) and not std::mutex: a heap's critical section
// is one sift, O(log n) compares, far shorter than a futex sleep and wake;
// pushes and two-choice pops only try_lock and go elsewhere when a heap is
// taken, so no one waits on these locks but the scanning pop (below); and
// one byte keeps lock, cached top and vector header in one cache line
// (std::mutex alone is 40 bytes). Not measured against std::mutex: on the
// 2-core VM at most two threads could contend, which would not show it.
//
// Empty. When both random choices look empty, try_pop does not give up: it
// scans every heap from a random start, and locks (blocking, not try_lock)
// each heap whose cached top says it has items. So it reports "empty" only
// if every heap looked empty when the scan reached it: an item whose push
// happened before the try_pop began (and that no one else pops) is always
// found. A drain therefore never stops early, and a consumer never gives
// up while one heap still holds items.
//
// Guaranteed:
// - No loss, no duplicates: every pushed item is popped exactly once.
// - Unbounded: try_push never fails (the heaps grow; memory permitting).
// - try_pop fails only when every heap looked empty as it was scanned
//   (above): never while an item that was pushed before the call began
//   sits there unclaimed.
// - Deadlock-free: a thread holds at most one heap lock at a time, and
//   lets go of it on every way out, an exception from T's copy or from the
//   heap's allocation included (the call then changes nothing).
// Not guaranteed:
// - Priority order. A pop returns a small key with high probability, not
//   the smallest: even single-threaded and quiescent, it takes the better
//   of two random heaps' tops, and the global minimum may sit in a third.
//   Not linearizable as a priority queue (it is as a multiset: push and
//   pop are linearizable at their heap's lock).
// - Any FIFO, per producer or among equal keys.
// - That a failed try_pop means empty at one instant (a push may land in a
//   heap the scan has passed): it means "every heap looked empty in turn".
// - Blocking waits: callers spin on try_pop (traits.blocking is false).
// - Lock-freedom: a thread preempted while holding a heap's lock holds up
//   only that heap; others pick other heaps, but a scanning pop waits.
// - T: needs operator< and an order key, multiqueue_key(const T&), that
//   never decreases along operator< (QueueItem's word; integers); the
//   cached tops compare keys, the heaps compare with operator<.
#pragma once

#include <algorithm>
#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "contend/harness/cache_line.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/queue_traits.h"
#include "contend/sync/std_atomics.h"
#include "contend/sync/ttas_lock.h"

namespace contend {

// The order key the cached tops hold: monotone in T's operator<.
template <size_t Bytes>
constexpr uint64_t multiqueue_key(const QueueItem<Bytes>& item) {
  return item.word;
}
template <std::unsigned_integral U>
constexpr uint64_t multiqueue_key(U value) {
  return value;
}
template <std::signed_integral S>
constexpr uint64_t multiqueue_key(S value) {
  // Flip the sign bit: INT64_MIN -> 0, -1 -> 2^63 - 1, 0 -> 2^63.
  return static_cast<uint64_t>(static_cast<int64_t>(value)) ^ (uint64_t{1} << 63);
}

// A thread's own fast random numbers (xorshift64*): which heaps to try.
// Seeded from the thread's id, so threads start apart; quality of the
// stream matters little, its cost a lot (two per pop).
inline uint64_t multiqueue_random() {
  thread_local uint64_t state =
      (std::hash<std::thread::id>{}(std::this_thread::get_id()) | 1) * 0x9e3779b97f4a7c15ULL;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545f4914f6cdd1dULL;
}

// Platform: std::atomic, or Relacy's in the model check (std_atomics.h,
// tests/queue/queue_models.cc).
template <class T, int kHeapsPerWorker = 2, class Platform = StdAtomics>
class BasicMultiQueue {
  static_assert(kHeapsPerWorker >= 1);

 public:
  using value_type = T;
  static constexpr std::string_view kId = "multiqueue";
  static constexpr QueueTraits traits{.order = QueueOrder::kRelaxedPriority,
                                      .capacity = QueueCapacity::kUnbounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  // `workers`: the threads that will use the queue; c x workers heaps, at
  // least 2 (two choices need two heaps). `capacity_hint`: items expected
  // at once, reserved across the heaps up front (0: none).
  BasicMultiQueue(size_t capacity_hint, int workers)
      : heaps_(heap_count(workers)) {
    const size_t per_heap = capacity_hint / heaps_.size() + 1;
    for (Heap& heap : heaps_) heap.items.reserve(capacity_hint == 0 ? 0 : per_heap);
  }
  // Without a thread count: as many as the machine has hardware threads.
  explicit BasicMultiQueue(size_t capacity_hint)
      : BasicMultiQueue(capacity_hint, static_cast<int>(std::thread::hardware_concurrency())) {}
  BasicMultiQueue(const BasicMultiQueue&) = delete;
  BasicMultiQueue& operator=(const BasicMultiQueue&) = delete;

  size_t heap_count() const { return heaps_.size(); }

  bool try_push(const T& item) {
    Heap& heap = lock_for_push();
    const Unlock unlock{heap};
    heap.items.push_back(item);  // may throw (T's copy, the allocation)
    std::push_heap(heap.items.begin(), heap.items.end(), Later{});
    publish_top(heap);
    return true;
  }

  bool try_pop(T& item) {
    for (int attempt = 0; attempt < kPopAttempts; ++attempt) {
      const size_t a = random_heap();
      const size_t b = other_heap(a);
      // Relaxed: the cached tops are hints for choosing; the choice is
      // re-checked under the heap's lock, whose acquire (pairing with the
      // release in the pusher's unlock) orders the heap's contents.
      const uint64_t top_a = heaps_[a].top.load(std::memory_order_relaxed);
      const uint64_t top_b = heaps_[b].top.load(std::memory_order_relaxed);
      if (top_a == kEmpty && top_b == kEmpty) break;  // both look empty: scan
      Heap& better = heaps_[top_b < top_a ? b : a];
      if (!better.lock.try_lock()) continue;  // contended: two new choices
      if (pop_locked(better, item)) return true;
    }
    return scan_and_pop(item);
  }

 private:
  // A heap's cached top when it has no items. Real keys are stored halved
  // (cached_key), so none of them can equal it.
  static constexpr uint64_t kEmpty = UINT64_MAX;
  // Two-choice tries before a pop falls back to the scan; a try fails
  // only on a lost try_lock or a heap emptied under it.
  static constexpr int kPopAttempts = 4;
  // try_lock failures before a push waits for a lock.
  static constexpr int kPushAttempts = 4;

  // One heap and its lock, on cache lines of its own: the threads working
  // on different heaps must not share lines.
  struct alignas(kCacheLineBytes) Heap {
    BasicTtasLock<Platform> lock;
    typename Platform::template Atomic<uint64_t> top{kEmpty};  // cached_key of items.front(), or kEmpty
    std::vector<T> items;               // a min-heap by operator< (Later)
  };

  // Unlocks a heap on every way out of a scope, an exception included: a
  // heap left locked would hold up for ever every later push or scanning
  // pop that waits for its lock.
  struct Unlock {
    Heap& heap;
    ~Unlock() { heap.lock.unlock(); }
  };

  // std::*_heap keep the *greatest* first; invert for smallest first.
  struct Later {
    bool operator()(const T& a, const T& b) const { return b < a; }
  };

  static size_t heap_count(int workers) {
    if (workers < 1) throw std::invalid_argument("multiqueue needs at least one worker");
    return std::max<size_t>(2, static_cast<size_t>(kHeapsPerWorker) * static_cast<size_t>(workers));
  }

  // Halved so that no key equals kEmpty; still never decreasing along
  // operator<, which is all a hint needs.
  static uint64_t cached_key(const T& item) { return multiqueue_key(item) >> 1; }

  size_t random_heap() const { return multiqueue_random() % heaps_.size(); }
  // A random heap other than `a` (there are at least two).
  size_t other_heap(size_t a) const {
    return (a + 1 + multiqueue_random() % (heaps_.size() - 1)) % heaps_.size();
  }

  // A random heap, locked: try_lock on random heaps, then wait for one.
  Heap& lock_for_push() {
    for (int attempt = 0; attempt < kPushAttempts; ++attempt) {
      Heap& heap = heaps_[random_heap()];
      if (heap.lock.try_lock()) return heap;
    }
    Heap& heap = heaps_[random_heap()];
    heap.lock.lock();
    return heap;
  }

  // Under the heap's lock: refresh its cached top. Relaxed: readers take
  // it as a hint only (see try_pop); the unlock that follows publishes it
  // with the heap to the next holder.
  static void publish_top(Heap& heap) {
    heap.top.store(heap.items.empty() ? kEmpty : cached_key(heap.items.front()),
                   std::memory_order_relaxed);
  }

  // With the heap locked: pops its top into `item` and unlocks; false (and
  // unlocked) when the heap turned out empty. The top is copied out first:
  // a copy that throws leaves the heap as it was.
  static bool pop_locked(Heap& heap, T& item) {
    const Unlock unlock{heap};
    if (heap.items.empty()) return false;
    item = heap.items.front();
    std::pop_heap(heap.items.begin(), heap.items.end(), Later{});
    heap.items.pop_back();
    publish_top(heap);
    return true;
  }

  // Every heap from a random start; waits for the lock of any heap that
  // looks non-empty. False only if every heap looked empty in turn.
  bool scan_and_pop(T& item) {
    const size_t start = random_heap();
    for (size_t i = 0; i < heaps_.size(); ++i) {
      Heap& heap = heaps_[(start + i) % heaps_.size()];
      // Relaxed, as in try_pop. If the push of an item happened before this
      // call, this load sees that push's store or a later one (coherence),
      // so the item's heap never looks empty here while it holds it.
      if (heap.top.load(std::memory_order_relaxed) == kEmpty) continue;
      heap.lock.lock();
      if (pop_locked(heap, item)) return true;
    }
    return false;
  }

  std::vector<Heap, CacheLineAllocator<Heap>> heaps_;
};

// The measured queue: c = 2 (see the top).
template <class T>
using MultiQueue = BasicMultiQueue<T, 2>;

}  // namespace contend
