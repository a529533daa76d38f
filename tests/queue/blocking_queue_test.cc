// BlockingQueue, one Python queue semantic at a time: orders, maxsize,
// nowait results, timeouts, blocking hand-over, task_done/join, close.
//
// Nothing here asserts how long anything took, only what happened. Where a
// test needs another thread to be asleep inside the queue first, it waits
// for waiting_getters()/waiting_putters() to say so instead of sleeping.
#include "contend/queue/blocking_queue.h"
#include "support/sanitizer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace contend {
namespace {

using namespace std::chrono_literals;

// Waits (yielding) until pred() holds. No deadline: if the queue is broken
// the test hangs and ctest's timeout reports it.
template <class Pred>
void wait_until(Pred pred) {
  while (!pred()) std::this_thread::yield();
}

TEST(BlockingQueue, FifoHandsItemsOutInPutOrder) {
  BlockingFifoQueue<int> q;
  for (int i : {3, 1, 2}) ASSERT_EQ(q.put(i), QueueResult::kOk);
  int out = 0;
  for (int expected : {3, 1, 2}) {
    ASSERT_EQ(q.get(out), QueueResult::kOk);
    EXPECT_EQ(out, expected);
  }
}

TEST(BlockingQueue, LifoHandsOutTheNewestFirst) {
  BlockingLifoQueue<int> q;
  for (int i : {3, 1, 2}) ASSERT_EQ(q.put(i), QueueResult::kOk);
  int out = 0;
  for (int expected : {2, 1, 3}) {
    ASSERT_EQ(q.get(out), QueueResult::kOk);
    EXPECT_EQ(out, expected);
  }
}

TEST(BlockingQueue, PriorityHandsOutTheSmallestFirst) {
  BlockingPriorityQueue<int> q;
  for (int i : {5, 1, 4, 2, 3, 0}) ASSERT_EQ(q.put(i), QueueResult::kOk);
  int out = -1;
  for (int expected = 0; expected <= 5; ++expected) {
    ASSERT_EQ(q.get(out), QueueResult::kOk);
    EXPECT_EQ(out, expected);
  }
}

// Python's PriorityQueue with (priority, counter, item) entries: equal
// priorities come out in the order they went in.
TEST(BlockingQueue, PriorityKeepsEqualKeysInInsertionOrder) {
  struct ByKey {
    bool operator()(const std::pair<int, int>& a, const std::pair<int, int>& b) const {
      return a.first < b.first;
    }
  };
  BlockingQueue<std::pair<int, int>, QueueOrder::kPriority, ByKey> q;
  // Keys 0..2, each put five times, interleaved; second = insertion index.
  int index = 0;
  for (int round = 0; round < 5; ++round)
    for (int key : {2, 0, 1}) ASSERT_EQ(q.put({key, index++}), QueueResult::kOk);
  std::pair<int, int> out;
  for (int key = 0; key <= 2; ++key) {
    int previous = -1;
    for (int i = 0; i < 5; ++i) {
      ASSERT_EQ(q.get(out), QueueResult::kOk);
      EXPECT_EQ(out.first, key);
      EXPECT_GT(out.second, previous) << "equal keys left out of insertion order";
      previous = out.second;
    }
  }
}

TEST(BlockingQueue, MaxsizeBoundsTheQueue) {
  BlockingFifoQueue<int> q(2);
  EXPECT_EQ(q.maxsize(), 2u);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.full());
  EXPECT_EQ(q.put_nowait(1), QueueResult::kOk);
  EXPECT_EQ(q.put_nowait(2), QueueResult::kOk);
  EXPECT_EQ(q.qsize(), 2u);
  EXPECT_TRUE(q.full());
  EXPECT_EQ(q.put_nowait(3), QueueResult::kFull);
  EXPECT_EQ(q.put(3, /*block=*/false), QueueResult::kFull);
  int out = 0;
  EXPECT_EQ(q.get_nowait(out), QueueResult::kOk);
  EXPECT_EQ(out, 1);
  EXPECT_FALSE(q.full());
  EXPECT_EQ(q.put_nowait(3), QueueResult::kOk);
  EXPECT_EQ(q.qsize(), 2u);
}

TEST(BlockingQueue, MaxsizeZeroIsUnbounded) {
  BlockingFifoQueue<int> q(0);
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(q.put_nowait(i), QueueResult::kOk);
  EXPECT_FALSE(q.full());
  EXPECT_EQ(q.qsize(), 10000u);
}

TEST(BlockingQueue, GetNowaitOnEmptyReportsEmpty) {
  BlockingFifoQueue<int> q;
  int out = 42;
  EXPECT_EQ(q.get_nowait(out), QueueResult::kEmpty);
  EXPECT_EQ(q.get(out, /*block=*/false), QueueResult::kEmpty);
  EXPECT_EQ(out, 42);  // untouched
}

// A timeout must elapse in full before it is reported (a lower bound only:
// how much later the waiter woke is the scheduler's business).
TEST(BlockingQueue, GetTimeoutElapsesIntoEmpty) {
  BlockingFifoQueue<int> q;
  int out = 0;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(q.get(out, true, 20ms), QueueResult::kEmpty);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_EQ(q.get(out, true, 0ms), QueueResult::kEmpty);
}

TEST(BlockingQueue, PutTimeoutElapsesIntoFull) {
  BlockingFifoQueue<int> q(1);
  ASSERT_EQ(q.put(1), QueueResult::kOk);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(q.put(2, true, 20ms), QueueResult::kFull);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_EQ(q.qsize(), 1u);
}

TEST(BlockingQueue, TimeoutIsIgnoredWithoutBlock) {
  BlockingFifoQueue<int> q(1);
  int out = 0;
  EXPECT_EQ(q.get(out, false, std::chrono::hours(1)), QueueResult::kEmpty);
  ASSERT_EQ(q.put(1), QueueResult::kOk);
  EXPECT_EQ(q.put(2, false, std::chrono::hours(1)), QueueResult::kFull);
}

TEST(BlockingQueue, NegativeTimeoutIsRejected) {
  BlockingFifoQueue<int> q(1);
  int out = 0;
  EXPECT_THROW(q.get(out, true, -1ms), std::invalid_argument);
  ASSERT_EQ(q.put(1), QueueResult::kOk);
  EXPECT_THROW(q.put(2, true, -1ms), std::invalid_argument);
}

TEST(BlockingQueue, HugeTimeoutDoesNotOverflow) {
  BlockingFifoQueue<int> q;
  auto getter = std::async(std::launch::async, [&] {
    int out = 0;
    QueueResult r = q.get(out, true, std::chrono::nanoseconds::max());
    return std::make_pair(r, out);
  });
  wait_until([&] { return q.waiting_getters() == 1; });
  ASSERT_EQ(q.put(7), QueueResult::kOk);
  auto [result, item] = getter.get();
  EXPECT_EQ(result, QueueResult::kOk);
  EXPECT_EQ(item, 7);
}

TEST(BlockingQueue, BlockedGetWakesForAPut) {
  BlockingFifoQueue<int> q;
  auto getter = std::async(std::launch::async, [&] {
    int out = 0;
    QueueResult r = q.get(out);
    return std::make_pair(r, out);
  });
  wait_until([&] { return q.waiting_getters() == 1; });
  ASSERT_EQ(q.put(5), QueueResult::kOk);
  auto [result, item] = getter.get();
  EXPECT_EQ(result, QueueResult::kOk);
  EXPECT_EQ(item, 5);
  EXPECT_EQ(q.waiting_getters(), 0u);
}

TEST(BlockingQueue, TimedGetTakesAnItemThatArrivesInTime) {
  BlockingFifoQueue<int> q;
  auto getter = std::async(std::launch::async, [&] {
    int out = 0;
    return std::make_pair(q.get(out, true, std::chrono::minutes(10)), out);
  });
  wait_until([&] { return q.waiting_getters() == 1; });
  ASSERT_EQ(q.put(9), QueueResult::kOk);
  auto [result, item] = getter.get();
  EXPECT_EQ(result, QueueResult::kOk);
  EXPECT_EQ(item, 9);
}

TEST(BlockingQueue, BlockedPutWakesWhenRoomIsMade) {
  BlockingFifoQueue<int> q(1);
  ASSERT_EQ(q.put(1), QueueResult::kOk);
  auto putter = std::async(std::launch::async, [&] { return q.put(2); });
  wait_until([&] { return q.waiting_putters() == 1; });
  EXPECT_EQ(q.qsize(), 1u);  // the putter is waiting, not overfilling
  int out = 0;
  ASSERT_EQ(q.get(out), QueueResult::kOk);
  EXPECT_EQ(out, 1);
  EXPECT_EQ(putter.get(), QueueResult::kOk);
  ASSERT_EQ(q.get(out), QueueResult::kOk);
  EXPECT_EQ(out, 2);
}

// Many sleepers, one item each: every put must wake a getter (no lost
// wake-up), and every getter gets a different item.
TEST(BlockingQueue, EveryPutWakesOneOfManySleepingGetters) {
  constexpr int kGetters = 6;
  BlockingFifoQueue<int> q;
  std::vector<std::future<int>> getters;
  for (int i = 0; i < kGetters; ++i)
    getters.push_back(std::async(std::launch::async, [&] {
      int out = -1;
      EXPECT_EQ(q.get(out), QueueResult::kOk);
      return out;
    }));
  wait_until([&] { return q.waiting_getters() == kGetters; });
  for (int i = 0; i < kGetters; ++i) ASSERT_EQ(q.put(i), QueueResult::kOk);
  std::vector<bool> seen(kGetters, false);
  for (auto& g : getters) {
    int item = g.get();
    ASSERT_GE(item, 0);
    ASSERT_LT(item, kGetters);
    EXPECT_FALSE(seen[item]) << "item " << item << " handed out twice";
    seen[item] = true;
  }
}

TEST(BlockingQueue, JoinWaitsForEveryTaskDone) {
  BlockingFifoQueue<int> q;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(q.put(i), QueueResult::kOk);
  EXPECT_EQ(q.unfinished_tasks(), 3u);
  std::atomic<bool> joined{false};
  std::thread joiner([&] {
    q.join();
    joined = true;
  });
  int out = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(q.get(out), QueueResult::kOk);
    EXPECT_FALSE(joined) << "join() returned with " << 3 - i << " task(s) unfinished";
    q.task_done();
  }
  joiner.join();
  EXPECT_TRUE(joined);
  EXPECT_EQ(q.unfinished_tasks(), 0u);
  q.join();  // nothing pending: returns at once
}

TEST(BlockingQueue, TaskDoneTooOftenIsACallerBug) {
  BlockingFifoQueue<int> q;
  EXPECT_THROW(q.task_done(), std::logic_error);
  ASSERT_EQ(q.put(1), QueueResult::kOk);
  q.task_done();
  EXPECT_THROW(q.task_done(), std::logic_error);
}

TEST(BlockingQueue, CloseWakesEveryBlockedGetter) {
  constexpr int kGetters = 4;
  BlockingFifoQueue<int> q;
  std::vector<std::future<QueueResult>> getters;
  for (int i = 0; i < kGetters; ++i)
    getters.push_back(std::async(std::launch::async, [&] {
      int out = 0;
      return q.get(out);
    }));
  // One timed getter too: close must beat its (long) timeout.
  getters.push_back(std::async(std::launch::async, [&] {
    int out = 0;
    return q.get(out, true, std::chrono::hours(1));
  }));
  wait_until([&] { return q.waiting_getters() == kGetters + 1; });
  q.close();
  for (auto& g : getters) EXPECT_EQ(g.get(), QueueResult::kClosed);
  EXPECT_TRUE(q.closed());
}

TEST(BlockingQueue, CloseWakesEveryBlockedPutter) {
  constexpr int kPutters = 4;
  BlockingFifoQueue<int> q(1);
  ASSERT_EQ(q.put(0), QueueResult::kOk);
  std::vector<std::future<QueueResult>> putters;
  for (int i = 0; i < kPutters; ++i)
    putters.push_back(std::async(std::launch::async, [&, i] { return q.put(i + 1); }));
  wait_until([&] { return q.waiting_putters() == kPutters; });
  q.close();
  for (auto& p : putters) EXPECT_EQ(p.get(), QueueResult::kClosed);
  EXPECT_EQ(q.qsize(), 1u);  // none of them got in
}

TEST(BlockingQueue, ClosedQueueRefusesPutsAndDrainsForGets) {
  BlockingFifoQueue<int> q;
  ASSERT_EQ(q.put(1), QueueResult::kOk);
  ASSERT_EQ(q.put(2), QueueResult::kOk);
  q.close();
  EXPECT_EQ(q.put(3), QueueResult::kClosed);
  EXPECT_EQ(q.put_nowait(3), QueueResult::kClosed);
  int out = 0;
  EXPECT_EQ(q.get(out), QueueResult::kOk);
  EXPECT_EQ(out, 1);
  EXPECT_EQ(q.get_nowait(out), QueueResult::kOk);
  EXPECT_EQ(out, 2);
  EXPECT_EQ(q.get(out), QueueResult::kClosed);  // would block forever if open
  EXPECT_EQ(q.get_nowait(out), QueueResult::kClosed);
  EXPECT_EQ(q.get(out, true, 1ms), QueueResult::kClosed);
  q.close();  // idempotent
  EXPECT_TRUE(q.closed());
}

TEST(BlockingQueue, ImmediateCloseDiscardsItemsAndReleasesJoin) {
  BlockingFifoQueue<int> q;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(q.put(i), QueueResult::kOk);
  std::thread joiner([&] { q.join(); });
  q.close(/*immediate=*/true);
  joiner.join();  // hangs if discarded items still counted as unfinished
  EXPECT_EQ(q.qsize(), 0u);
  EXPECT_EQ(q.unfinished_tasks(), 0u);
  int out = 0;
  EXPECT_EQ(q.get(out), QueueResult::kClosed);
}

TEST(BlockingQueue, ImmediateCloseStillWaitsForTasksInProgress) {
  BlockingFifoQueue<int> q;
  ASSERT_EQ(q.put(1), QueueResult::kOk);
  ASSERT_EQ(q.put(2), QueueResult::kOk);
  int out = 0;
  ASSERT_EQ(q.get(out), QueueResult::kOk);  // taken, not yet done
  q.close(true);
  EXPECT_EQ(q.unfinished_tasks(), 1u);
  q.task_done();
  q.join();
}

TEST(BlockingQueue, MoveOnlyItemsAndFailedPutsKeepTheItem) {
  BlockingFifoQueue<std::unique_ptr<int>> q(1);
  ASSERT_EQ(q.put(std::make_unique<int>(1)), QueueResult::kOk);
  auto second = std::make_unique<int>(2);
  EXPECT_EQ(q.put_nowait(std::move(second)), QueueResult::kFull);
  ASSERT_NE(second, nullptr) << "a refused put must not consume the item";
  EXPECT_EQ(*second, 2);
  std::unique_ptr<int> out;
  ASSERT_EQ(q.get(out), QueueResult::kOk);
  EXPECT_EQ(*out, 1);
  EXPECT_EQ(q.put_nowait(std::move(second)), QueueResult::kOk);
  EXPECT_EQ(second, nullptr);
}

// Threads hand items through a small bounded queue of each order: nothing
// lost or duplicated, FIFO per producer for the FIFO queue, and every
// sleeping side woken (the test would hang otherwise).
template <QueueOrder Order>
void hand_over_through_small_queue() {
  constexpr int kProducers = 3, kConsumers = 3;
  constexpr int kPerProducer = testing_support::scaled_for_tsan<int>(20000, 2000);
  BlockingQueue<int, Order> q(4);
  std::vector<std::thread> threads;
  std::vector<std::vector<int>> got(kConsumers);
  for (int p = 0; p < kProducers; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) ASSERT_EQ(q.put(p * kPerProducer + i), QueueResult::kOk);
    });
  for (int c = 0; c < kConsumers; ++c)
    threads.emplace_back([&, c] {
      int item;
      while (q.get(item) == QueueResult::kOk) {
        got[c].push_back(item);
        q.task_done();
      }
    });
  for (int p = 0; p < kProducers; ++p) threads[p].join();
  q.join();   // every item taken and done ...
  q.close();  // ... so the consumers may go
  for (int c = 0; c < kConsumers; ++c) threads[kProducers + c].join();

  std::vector<int> count(kProducers * kPerProducer, 0);
  for (int c = 0; c < kConsumers; ++c) {
    std::vector<int> last(kProducers, -1);
    for (int item : got[c]) {
      ++count[item];
      if (Order == QueueOrder::kFifo) {
        const int p = item / kPerProducer;
        EXPECT_GT(item, last[p]) << "consumer " << c << " saw producer " << p << " out of order";
        last[p] = item;
      }
    }
  }
  for (int i = 0; i < kProducers * kPerProducer; ++i) ASSERT_EQ(count[i], 1) << "item " << i;
}

TEST(BlockingQueue, ThreadsHandOverThroughASmallFifo) { hand_over_through_small_queue<QueueOrder::kFifo>(); }
TEST(BlockingQueue, ThreadsHandOverThroughASmallLifo) { hand_over_through_small_queue<QueueOrder::kLifo>(); }
TEST(BlockingQueue, ThreadsHandOverThroughASmallPriorityQueue) {
  hand_over_through_small_queue<QueueOrder::kPriority>();
}

TEST(BlockingQueue, ResultsHaveNames) {
  EXPECT_EQ(to_string(QueueResult::kOk), "ok");
  EXPECT_EQ(to_string(QueueResult::kFull), "full");
  EXPECT_EQ(to_string(QueueResult::kEmpty), "empty");
  EXPECT_EQ(to_string(QueueResult::kClosed), "closed");
}

}  // namespace
}  // namespace contend
