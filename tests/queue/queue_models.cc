// RingSpsc and TreiberStack under Relacy: the real templates (ring_spsc.h,
// treiber_stack.h) instantiated over Relacy's atomics (RelacyAtomics,
// support/relacy_platform.h), with items whose every read and write Relacy
// checks for races. Each model runs a fixed number of interleavings of
// Relacy's random scheduler (the same ones every run; see
// CONTEND_EXPECT_MODEL_HOLDS). RingMpmc's models are in ring_mpmc_model.cc.
//
// - RingSpsc at capacities 1 and 2: a producer and a consumer, three items
//   through the ring in order, each slot handed over by the index stores.
// - TreiberStack, the ABA case its tags are for (three threads: see
//   TreiberAba): a stalled pop's stale "next" would be installed by an
//   untagged compare-and-swap; every item must end up held exactly once
//   (popped and kept, or still stacked).
// - BasicMultiQueue's cached tops: a pop that begins after a push finished
//   (the push's end published by a release store, seen by an acquire load)
//   must find the item, though it reads the cached tops relaxed and skips
//   heaps whose top says empty.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "contend/queue/multiqueue.h"
#include "contend/queue/ring_spsc.h"
#include "contend/queue/treiber_stack.h"
#include "support/relacy_platform.h"  // last: see there

namespace contend {
namespace {

using testing_support::RelacyAtomics;
using testing_support::RelacySpin;
using testing_support::RlAtomic;
using testing_support::RlItem;

template <size_t kCapacity>
struct SpscInOrder : rl::test_suite<SpscInOrder<kCapacity>, 2> {
  static constexpr int kItems = 3;
  std::optional<RingSpsc<RlItem, RelacyAtomics>> ring;
  void before() { ring.emplace(kCapacity); }
  void after() { ring.reset(); }
  void thread(unsigned index) {
    RelacySpin spin;
    if (index == 0) {
      for (int i = 1; i <= kItems; ++i)
        while (!ring->try_push(RlItem(i))) spin.pause();
    } else {
      RlItem item;
      for (int i = 1; i <= kItems; ++i) {
        while (!ring->try_pop(item)) spin.pause();
        RL_ASSERT(item.get() == i);
      }
    }
  }
};

// With three nodes A (top), B, C: thread 0 reads A and its next, B, and
// stalls; thread 2 unlinks A; thread 1 pops B; thread 2 puts A on the free
// list; thread 1 pushes into A. A is the top again, over C, and thread 0's
// compare-and-swap, without the tag, installs B, a free node.
struct TreiberAba : rl::test_suite<TreiberAba, 3> {
  static constexpr int kItems = 3;
  std::optional<TreiberStack<RlItem, RelacyAtomics>> stack;
  int held[3][kItems] = {};  // items each thread popped and kept
  int held_count[3] = {};
  void keep(unsigned thread, int item) {
    RL_ASSERT(held_count[thread] < kItems);
    held[thread][held_count[thread]++] = item;
  }
  void before() {
    stack.emplace(kItems);
    for (int& n : held_count) n = 0;
    for (int i = 1; i <= kItems; ++i) RL_ASSERT(stack->try_push(RlItem(i)));
  }
  void thread(unsigned index) {
    RlItem item;
    if (!stack->try_pop(item)) return;
    // Thread 1 pushes its item back (a try_push may fail while another
    // pop holds a node on neither list: then it keeps the item).
    if (index != 1 || !stack->try_push(item)) keep(index, item.get());
  }
  void after() {
    int count[kItems + 2] = {};  // [0] and [kItems + 1]: invented items
    for (unsigned t = 0; t < 3; ++t)
      for (int i = 0; i < held_count[t]; ++i) ++count[std::clamp(held[t][i], 0, kItems + 1)];
    RlItem item;
    for (int n = 0; n <= kItems && stack->try_pop(item); ++n)
      ++count[std::clamp(item.get(), 0, kItems + 1)];
    for (int i = 0; i <= kItems + 1; ++i) RL_ASSERT(count[i] == (i >= 1 && i <= kItems ? 1 : 0));
    stack.reset();
  }
};

struct MultiQueueFindsAnItemPushedBefore : rl::test_suite<MultiQueueFindsAnItemPushedBefore, 2> {
  std::optional<BasicMultiQueue<int, 1, RelacyAtomics>> queue;  // two heaps
  std::optional<RlAtomic<int>> pushed;
  void before() {
    queue.emplace(0, 1);
    pushed.emplace(0);
  }
  void after() {
    queue.reset();
    pushed.reset();
  }
  void thread(unsigned index) {
    if (index == 0) {
      RL_ASSERT(queue->try_push(5));
      pushed->store(1, std::memory_order::release);
      return;
    }
    int got = 0;
    if (queue->try_pop(got)) {  // before or during the push: may find it
      RL_ASSERT(got == 5);
      return;
    }
    RelacySpin spin;
    while (pushed->load(std::memory_order::acquire) == 0) spin.pause();
    RL_ASSERT(queue->try_pop(got));  // after it: must
    RL_ASSERT(got == 5);
  }
};

TEST(RingSpscModel, ItemsPassInOrderAtCapacityOne) {
  CONTEND_EXPECT_MODEL_HOLDS(SpscInOrder<1>, 20000);
}
TEST(RingSpscModel, ItemsPassInOrderAtCapacityTwo) {
  CONTEND_EXPECT_MODEL_HOLDS(SpscInOrder<2>, 20000);
}
TEST(TreiberStackModel, TagsStopTheAbaCase) { CONTEND_EXPECT_MODEL_HOLDS(TreiberAba, 20000); }
TEST(MultiQueueModel, FindsAnItemPushedBefore) {
  CONTEND_EXPECT_MODEL_HOLDS(MultiQueueFindsAnItemPushedBefore, 20000);
}

}  // namespace
}  // namespace contend
