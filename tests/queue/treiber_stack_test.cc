// TreiberStack, on its own: exact capacity from its node pool, LIFO order,
// nodes recycled through the free list without loss, and the ABA case the
// tag is there for: threads popping and pushing back the same few nodes
// as fast as they can, where a missing tag would corrupt the list (items
// lost, duplicated or invented).
#include "contend/queue/treiber_stack.h"
#include "support/sanitizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

namespace contend {
namespace {

constexpr int kRoundsPerThread = testing_support::scaled_for_tsan<int>(500000, 20000);

TEST(TreiberStack, NeedsACapacity) { EXPECT_THROW(TreiberStack<int>(0), std::invalid_argument); }

TEST(TreiberStack, HoldsExactlyItsCapacityNewestFirst) {
  for (size_t capacity : {1u, 2u, 5u, 64u}) {
    TreiberStack<int> stack(capacity);
    EXPECT_EQ(stack.capacity(), capacity);
    for (size_t i = 0; i < capacity; ++i) ASSERT_TRUE(stack.try_push(static_cast<int>(i)));
    EXPECT_FALSE(stack.try_push(-1)) << "capacity " << capacity << " took one too many";
    int out = -1;
    for (size_t i = capacity; i-- > 0;) {
      ASSERT_TRUE(stack.try_pop(out));
      EXPECT_EQ(out, static_cast<int>(i));
    }
    EXPECT_FALSE(stack.try_pop(out));
  }
}

// Far more pushes than nodes: every node goes round the free list many
// times and the stack still holds exactly its capacity.
TEST(TreiberStack, NodesAreRecycledWithoutLoss) {
  constexpr size_t kCapacity = 3;
  TreiberStack<int> stack(kCapacity);
  int out = 0;
  for (int round = 0; round < 1000; ++round) {
    const size_t fill = 1 + static_cast<size_t>(round) % kCapacity;
    for (size_t i = 0; i < fill; ++i) ASSERT_TRUE(stack.try_push(round * 10 + static_cast<int>(i)));
    for (size_t i = fill; i-- > 0;) {
      ASSERT_TRUE(stack.try_pop(out));
      ASSERT_EQ(out, round * 10 + static_cast<int>(i));
    }
  }
  for (size_t i = 0; i < kCapacity; ++i) ASSERT_TRUE(stack.try_push(0));
  EXPECT_FALSE(stack.try_push(0));
}

// Four items on a stack of four nodes; four threads (twice this machine's
// cores, so they are preempted mid-operation) each pop an item and push
// it back, again and again. Nodes are reused constantly: exactly the
// A-B-A pattern. Afterwards the stack must hold the same four items.
TEST(TreiberStack, PopPushBackRacesKeepEveryItem) {
  constexpr int kThreads = 4;
  constexpr int kItems = 4;
  TreiberStack<int> stack(kItems);
  for (int i = 0; i < kItems; ++i) ASSERT_TRUE(stack.try_push(i));
  std::vector<std::thread> threads;
  std::vector<int> bad_pushes(kThreads, 0);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      int item = 0;
      for (int round = 0; round < kRoundsPerThread; ++round) {
        if (!stack.try_pop(item)) {
          std::this_thread::yield();  // the others hold all four for now
          continue;
        }
        // The item came from a node we now own, so there is room to give
        // it back: a refusal means the pool lost track of a node.
        if (!stack.try_push(item)) ++bad_pushes[t];
      }
    });
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(bad_pushes[t], 0) << "thread " << t;
  std::vector<int> left;
  int item = 0;
  while (left.size() <= kItems && stack.try_pop(item)) left.push_back(item);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace contend
