// TreiberStack<T> (impl id treiber_stack): contend's own lock-free LIFO,
// Treiber's stack with a tagged head against ABA, next to
// boost_lockfree_stack (the same algorithm in Boost's clothes).
//
// Nodes and reclamation. The stack owns a fixed pool of `capacity` nodes,
// allocated once; a node is never returned to the allocator while the
// stack lives. Free nodes sit on a second Treiber stack (the free list).
// A push takes a node from the free list, writes the item into it and
// links it onto the stack; a pop unlinks the top node, copies the item out
// and puts the node back on the free list. Because nodes are never freed,
// a thread that read a node's `next` just before another thread popped and
// recycled that node reads valid (if stale) memory, and the tag rejects
// its compare-and-swap; so the tag alone is enough, with no hazard
// pointers or epochs.
//
// The tagged head. Each of the two heads is one 64-bit word: the top
// node's index in the pool (32 bits; kNil for "none") and a tag (32 bits)
// that every successful compare-and-swap increments. The ABA failure
// (pop reads top A and its next B; others pop A, pop B, push A; the CAS
// would install the long-gone B) needs the word to come back to the same
// value, which the tag prevents unless a thread is suspended between its
// read and its CAS while exactly a multiple of 2^32 other CASes succeed on
// the same head. Indices instead of pointers keep the word to 64 bits, so
// it needs no double-width CAS (and no libatomic).
//
// Guaranteed:
// - LIFO: a quiescent stack pops newest first; every item leaves once.
// - Lock-free: some thread's operation always completes (a CAS fails only
//   because another one succeeded). Linearizable at the successful CAS
//   on the stack's head.
// - Bounded: holds at most `capacity` items, and exactly that many when
//   nothing is in flight; try_push fails only when the free list is empty.
// Not guaranteed:
// - That a failed try_push means full. A pop that has unlinked its node
//   from the stack but not yet put it on the free list holds a node that
//   is on neither: a try_push in that window fails while the stack holds
//   fewer than `capacity` items. That failure is not linearizable (no
//   instant saw the stack full); callers that spin on try_push simply try
//   again. (Fixing it would take a pop that frees its node in the same
//   atomic step as it unlinks it: not possible with two heads.) Likewise a
//   try_pop can fail while a push in flight holds a node on neither list,
//   which is linearizable: that item is not yet pushed.
// - Blocking: callers spin on try_push / try_pop.
// - Fairness: a thread can lose its CAS race again and again.
// - Scalability: every operation is two CASes on two shared words (free
//   list and stack head); the elimination-backoff variant that would pair
//   pushes with pops off the head is not built (two cores could not show
//   whether it wins).
// - T: must be default-constructible and copy-assignable; a popped item's
//   copy stays in its node until the node is reused.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
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
class TreiberStack {
  template <class U>
  using Atomic = typename Platform::template Atomic<U>;

 public:
  using value_type = T;
  static constexpr std::string_view kId = "treiber_stack";
  static constexpr QueueTraits traits{.order = QueueOrder::kLifo,
                                      .capacity = QueueCapacity::kBounded,
                                      .blocking = false,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit TreiberStack(size_t capacity) : nodes_(checked(capacity)) {
    // Every node starts on the free list: node i links to i + 1. Relaxed:
    // the constructor finishes before any thread may use the stack.
    for (size_t i = 0; i < nodes_.size(); ++i)
      nodes_[i].next.store(i + 1 < nodes_.size() ? static_cast<uint32_t>(i + 1) : kNil,
                           std::memory_order_relaxed);
    free_.store(pack(0, 0), std::memory_order_relaxed);
  }
  TreiberStack(const TreiberStack&) = delete;
  TreiberStack& operator=(const TreiberStack&) = delete;

  size_t capacity() const { return nodes_.size(); }

  bool try_push(const T& item) {
    const uint32_t node = unlink(free_);
    if (node == kNil) return false;  // every node holds an item: full
    nodes_[node].value = item;
    link(top_, node);
    return true;
  }

  bool try_pop(T& item) {
    const uint32_t node = unlink(top_);
    if (node == kNil) return false;
    item = nodes_[node].value;
    link(free_, node);
    return true;
  }

 private:
  static constexpr uint32_t kNil = UINT32_MAX;

  struct Node {
    T value{};
    // Atomic because a popper may read it while the node is being
    // recycled (see the header comment); relaxed, as the head's CAS
    // decides whether what was read counts.
    Atomic<uint32_t> next{kNil};
  };

  static size_t checked(size_t capacity) {
    if (capacity == 0) throw std::invalid_argument(std::string(kId) + " needs a capacity > 0");
    if (capacity >= kNil) throw std::invalid_argument(std::string(kId) + ": capacity too large");
    return capacity;
  }

  // A head word: the tag in the high half, the top node's index in the low.
  static constexpr uint64_t pack(uint32_t index, uint32_t tag) { return (uint64_t{tag} << 32) | index; }
  static constexpr uint32_t index_of(uint64_t head) { return static_cast<uint32_t>(head); }
  static constexpr uint32_t tag_of(uint64_t head) { return static_cast<uint32_t>(head >> 32); }

  // Pushes `node` onto the stack whose head is `head` (the item stack or
  // the free list).
  void link(Atomic<uint64_t>& head, uint32_t node) {
    // Relaxed: the CAS below re-reads it on failure and publishes on success.
    uint64_t old = head.load(std::memory_order_relaxed);
    do {
      nodes_[node].next.store(index_of(old), std::memory_order_relaxed);
      // Release: publishes the node's contents (its value, its next) to
      // whoever unlinks it; pairs with the acquire in unlink().
    } while (!head.compare_exchange_weak(old, pack(node, tag_of(old) + 1),
                                         std::memory_order_release, std::memory_order_relaxed));
  }

  // Pops the top node off the stack whose head is `head`; kNil if empty.
  uint32_t unlink(Atomic<uint64_t>& head) {
    // Acquire (here and on a failed CAS, which re-reads the head): pairs
    // with the release CAS in link() that put this top node there, so its
    // next and value, written before that CAS, are visible.
    uint64_t old = head.load(std::memory_order_acquire);
    for (;;) {
      const uint32_t node = index_of(old);
      if (node == kNil) return kNil;
      // May be stale if the node was unlinked and relinked since we read
      // the head; then the tag moved on and the CAS fails.
      const uint32_t next = nodes_[node].next.load(std::memory_order_relaxed);
      if (head.compare_exchange_weak(old, pack(next, tag_of(old) + 1),
                                     std::memory_order_acquire, std::memory_order_acquire))
        return node;
    }
  }

  // The pool, in whole cache lines of its own.
  std::vector<Node, CacheLineAllocator<Node>> nodes_;
  // The two heads, each on a line of its own: pushes and pops hit both.
  alignas(kCacheLineBytes) Atomic<uint64_t> top_{pack(kNil, 0)};
  alignas(kCacheLineBytes) Atomic<uint64_t> free_{pack(kNil, 0)};
};

}  // namespace contend
