// MultiQueue, on its own: c x workers heaps, no item lost or duplicated,
// try_pop that finds a lone item wherever it sits, and the relaxation it
// is built for, measured: a strict queue's pops have rank 0, the
// multiqueue's do not, and stay small. (The concurrent no-loss stress
// runs with every other queue in queue_stress_test.cc.)
#include "contend/queue/multiqueue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "contend/queue/mutex_queues.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/rank_error_workload.h"
#include "support/sanitizer.h"
#include "workload_episodes.h"

namespace contend {
namespace {

using Item = QueueItem<8>;

TEST(MultiQueue, TwoHeapsPerWorkerAndNeverFewerThanTwo) {
  EXPECT_EQ((MultiQueue<Item>(0, 1).heap_count()), 2u);
  EXPECT_EQ((MultiQueue<Item>(0, 4).heap_count()), 8u);
  EXPECT_EQ((BasicMultiQueue<Item, 4>(0, 3).heap_count()), 12u);
  EXPECT_EQ((BasicMultiQueue<Item, 1>(0, 1).heap_count()), 2u);
  EXPECT_THROW((MultiQueue<Item>(0, 0)), std::invalid_argument);
  // Built for no particular thread count: the machine's.
  EXPECT_GE(MultiQueue<Item>(0).heap_count(), 2u);
}

// The cached tops compare keys: they must never go down along operator<.
TEST(MultiQueue, OrderKeysFollowTheItemsOrder) {
  const std::vector<int64_t> ints = {INT64_MIN, -5, -1, 0, 1, 7, INT64_MAX};
  for (size_t i = 0; i + 1 < ints.size(); ++i)
    EXPECT_LT(multiqueue_key(ints[i]), multiqueue_key(ints[i + 1])) << ints[i];
  EXPECT_LT(multiqueue_key(uint32_t{3}), multiqueue_key(uint32_t{4}));
  Item a, b;
  a.word = 5;
  b.word = 9;
  EXPECT_LT(multiqueue_key(a), multiqueue_key(b));
}

// Every element pushed comes out exactly once, and then the queue is empty.
TEST(MultiQueue, EveryItemPopsExactlyOnce) {
  MultiQueue<int64_t> queue(0, 4);
  std::vector<int64_t> pushed;
  for (int64_t i = 0; i < 5000; ++i) {
    pushed.push_back((i * 7919) % 5003 - 2500);
    ASSERT_TRUE(queue.try_push(pushed.back()));
  }
  std::vector<int64_t> popped;
  int64_t value = 0;
  while (queue.try_pop(value)) popped.push_back(value);
  std::sort(pushed.begin(), pushed.end());
  std::sort(popped.begin(), popped.end());
  EXPECT_EQ(popped, pushed);
  EXPECT_FALSE(queue.try_pop(value));
}

// One item among many heaps: the two random choices usually miss it, and
// try_pop must still find it (the scan), every time.
TEST(MultiQueue, ALoneItemIsFoundWhereverItSits) {
  MultiQueue<int> queue(0, 16);  // 32 heaps
  int out = -1;
  for (int round = 0; round < 200; ++round) {
    ASSERT_TRUE(queue.try_push(round));
    ASSERT_TRUE(queue.try_pop(out)) << "round " << round;
    EXPECT_EQ(out, round);
    EXPECT_FALSE(queue.try_pop(out));
  }
}

// A few items spread over many heaps: each is found until none is left.
TEST(MultiQueue, FewItemsAmongManyHeapsAreAllFound) {
  MultiQueue<int> queue(0, 16);
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(queue.try_push(i));
    std::vector<int> got(5, 0);
    int out = -1;
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(queue.try_pop(out)) << "round " << round << " pop " << i;
      ++got[static_cast<size_t>(out)];
    }
    EXPECT_EQ(got, std::vector<int>(5, 1));
    EXPECT_FALSE(queue.try_pop(out));
  }
}

// A quiescent queue of ascending inserts, popped by one thread: each pop
// is the top of some heap (the smallest it holds) and the better of two,
// so the pops take from the front of the order, never from its back.
TEST(MultiQueue, PopsComeFromTheFrontNotTheBack) {
  MultiQueue<int> queue(0, 2);  // 4 heaps
  constexpr int kItems = 4000;
  for (int i = 0; i < kItems; ++i) ASSERT_TRUE(queue.try_push(i));
  int out = -1;
  int largest_seen = -1;
  for (int i = 0; i < kItems / 2; ++i) {
    ASSERT_TRUE(queue.try_pop(out));
    largest_seen = std::max(largest_seen, out);
  }
  // Half popped; with four heaps of about 1000 each, the two-choice pops
  // stay far below the largest items (each heap's top is its smallest).
  EXPECT_LT(largest_seen, kItems - 100);
}

// Single-threaded quality through the real workload: a strict queue's pops
// all have rank 0 (what validates the replay); the multiqueue with more
// heaps than its two choices is relaxed even with one thread (the better
// of two heaps is not always the best of all), but its ranks stay small.
template <class Q>
RankErrors single_thread_rank_errors() {
  RankErrorConfig config{.threads = 1, .prefill = 4096, .ops_per_thread = 4096};
  RankErrorWorkload<Q> workload(config);
  EpisodeVerdict verdict = run_episodes_of(workload, 1, 2);
  EXPECT_EQ(verdict.error, "");
  EXPECT_EQ(verdict.items, 4096u);
  return workload.rank_errors();
}

TEST(MultiQueueQuality, AStrictQueueHasNoRankErrorSingleThreaded) {
  const RankErrors strict = single_thread_rank_errors<MutexPriorityQueue<Item>>();
  EXPECT_EQ(strict.pops, 2u * 4096u);
  EXPECT_EQ(strict.max, 0u);
  EXPECT_EQ(strict.mean(), 0.0);
}

// Built for one thread, the multiqueue has two heaps, and its two
// (distinct) choices are both of them: the better top is the minimum.
TEST(MultiQueueQuality, OneThreadOnTwoHeapsIsExact) {
  const RankErrors exact = single_thread_rank_errors<MultiQueue<Item>>();
  EXPECT_EQ(exact.pops, 2u * 4096u);
  EXPECT_EQ(exact.max, 0u);
}

TEST(MultiQueueQuality, MoreHeapsThanChoicesMissTheMinimumButNotByMuch) {
  using Wide = BasicMultiQueue<Item, 8>;  // one thread, 8 heaps
  const RankErrors relaxed = single_thread_rank_errors<Wide>();
  EXPECT_EQ(relaxed.pops, 2u * 4096u);
  EXPECT_GT(relaxed.max, 0u) << "8 heaps, two choices: some pop must miss the minimum";
  // The expected rank is O(heaps); 8 heaps: a mean in single digits.
  EXPECT_GT(relaxed.mean(), 0.1);
  EXPECT_LT(relaxed.mean(), 40.0);
}

// An item whose copy throws while `throwing` is set.
struct Fragile {
  static inline std::atomic<bool> throwing{false};
  uint64_t key = 0;
  Fragile() = default;
  explicit Fragile(uint64_t k) : key(k) {}
  Fragile(const Fragile& other) : key(other.key) { throw_if_asked(); }
  Fragile& operator=(const Fragile& other) {
    throw_if_asked();
    key = other.key;
    return *this;
  }
  bool operator<(const Fragile& other) const { return key < other.key; }
  static void throw_if_asked() {
    if (throwing.load()) throw std::runtime_error("copy failed");
  }
};
uint64_t multiqueue_key(const Fragile& item) { return item.key; }

// A push or pop whose copy of the item throws must let go of its heap's
// lock: a heap left locked would hang, for ever, the next push that waits
// for that lock (after its try_locks failed) or a pop that wants it.
// Everything runs on a thread of its own, so a lock left held fails the
// test instead of hanging it.
struct AfterThrows {
  bool push_threw = false;
  bool pop_threw = false;
  std::vector<uint64_t> keys;  // what the queue held at the end
};

TEST(MultiQueue, AThrowingCopyLeavesNoHeapLockedAndNothingChanged) {
  constexpr uint64_t kAfter = 2000;  // enough pushes that one waits on every heap's lock
  auto queue = std::make_shared<BasicMultiQueue<Fragile, 1>>(0, 1);  // two heaps
  auto done = std::make_shared<std::promise<AfterThrows>>();
  auto result = done->get_future();
  std::thread([queue, done] {
    AfterThrows r;
    Fragile item;
    queue->try_push(Fragile(1));
    Fragile::throwing = true;
    try {
      queue->try_push(Fragile(2));
    } catch (const std::runtime_error&) {
      r.push_threw = true;
    }
    try {
      queue->try_pop(item);
    } catch (const std::runtime_error&) {
      r.pop_threw = true;
    }
    Fragile::throwing = false;
    for (uint64_t k = 10; k < 10 + kAfter; ++k) queue->try_push(Fragile(k));
    while (queue->try_pop(item)) r.keys.push_back(item.key);
    done->set_value(std::move(r));
  }).detach();  // owns the queue: if it hangs, it hangs alone until exit
  // A hang guard, far beyond the milliseconds these calls take.
  ASSERT_EQ(result.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "a push or pop waited for ever on a heap lock that a throw left held";
  AfterThrows r = result.get();
  EXPECT_TRUE(r.push_threw);
  EXPECT_TRUE(r.pop_threw);
  std::sort(r.keys.begin(), r.keys.end());
  std::vector<uint64_t> expected = {1};
  for (uint64_t k = 10; k < 10 + kAfter; ++k) expected.push_back(k);
  EXPECT_EQ(r.keys, expected) << "the throwing calls changed what the queue holds";
}

}  // namespace
}  // namespace contend
