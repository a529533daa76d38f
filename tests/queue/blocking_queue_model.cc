// BlockingQueue under Relacy: the real template (blocking_queue.h) over
// Relacy's mutex and condition variable (RelacySync, support/relacy_platform.h),
// with items whose every read and write Relacy checks for races. Every wait
// here is untimed, so a sleeper nobody wakes is a deadlock, which Relacy
// reports: a lost wake-up. Each model runs a fixed number of interleavings
// of Relacy's random scheduler (the same ones every run).
//
// - Two producers and two consumers through a queue of maxsize 1, two
//   items each: every put and get blocks at some point (consumers on an
//   empty queue, producers on a full one), and each must be woken by the
//   other side's signal. Each consumer sees each producer's items in put
//   order (FIFO), the queue never holds more than maxsize, every item comes
//   out exactly once.
// - close() with two getters asleep on an empty queue and a putter asleep
//   on a full one: every one of them wakes (a notify_one where close needs
//   notify_all leaves one asleep: a deadlock), and no item is lost: every
//   item put with kOk was either got or is still in the queue.
//
// What Relacy does not track here: the std::deque inside (plain memory,
// guarded by the mutex) and the waiter counts; the items are RlItems, so
// a get that read one without the mutex's ordering would be a race.
#include <gtest/gtest.h>

#include <optional>

#include "contend/queue/blocking_queue.h"
#include "support/relacy_platform.h"  // last: see there

namespace contend {
namespace {

using testing_support::RelacySync;
using testing_support::RlItem;

using ModelQueue = BlockingQueue<RlItem, QueueOrder::kFifo, std::less<RlItem>, RelacySync>;

// Threads 0 and 1 put (items 10 + i and 20 + i); 2 and 3 get.
struct BlockingHandOver : rl::test_suite<BlockingHandOver, 4> {
  static constexpr int kPerThread = 2;
  std::optional<ModelQueue> queue;
  int got[2][kPerThread] = {};
  void before() { queue.emplace(1); }
  void thread(unsigned index) {
    if (index < 2) {
      for (int i = 0; i < kPerThread; ++i) {
        RL_ASSERT(queue->put(RlItem(static_cast<int>(10 * (index + 1)) + i)) == QueueResult::kOk);
        RL_ASSERT(queue->qsize() <= 1);
      }
      return;
    }
    int last_from[2] = {-1, -1};
    for (int i = 0; i < kPerThread; ++i) {
      RlItem item;
      RL_ASSERT(queue->get(item) == QueueResult::kOk);
      const int value = item.get();
      const int producer = value / 10 - 1;
      RL_ASSERT(producer == 0 || producer == 1);
      RL_ASSERT(value % 10 > last_from[producer]);  // each producer's items in order
      last_from[producer] = value % 10;
      got[index - 2][i] = value;
    }
  }
  void after() {
    int seen[2][kPerThread] = {};
    for (auto& row : got)
      for (int value : row) ++seen[value / 10 - 1][value % 10];
    for (auto& row : seen)
      for (int n : row) RL_ASSERT(n == 1);
    RL_ASSERT(queue->qsize() == 0);
    queue.reset();
  }
};

// Thread 0 puts 1 to 4 into a queue of maxsize 1; 1 and 2 get once each
// (and may both sleep on it empty); 3 closes. The fourth put finds the
// queue full unless close() came first, and only close() can wake it.
// Nobody may sleep forever; after a kClosed, every later put is kClosed.
struct CloseWakesEveryone : rl::test_suite<CloseWakesEveryone, 4> {
  std::optional<ModelQueue> queue;
  int put_ok = 0;
  int got_ok = 0;
  int got[2] = {};  // what getters 1 and 2 got, 0 for nothing
  void before() {
    queue.emplace(1);
    put_ok = got_ok = 0;
    got[0] = got[1] = 0;
  }
  void thread(unsigned index) {
    if (index == 0) {
      bool closed_seen = false;
      for (int i = 1; i <= 4; ++i) {
        const QueueResult r = queue->put(RlItem(i));
        RL_ASSERT(r == QueueResult::kOk || r == QueueResult::kClosed);
        RL_ASSERT(!(closed_seen && r == QueueResult::kOk));
        if (r == QueueResult::kOk) ++put_ok;
        closed_seen = closed_seen || r == QueueResult::kClosed;
      }
    } else if (index == 3) {
      queue->close();
    } else {
      RlItem item;
      const QueueResult r = queue->get(item);
      RL_ASSERT(r == QueueResult::kOk || r == QueueResult::kClosed);
      if (r == QueueResult::kOk) {
        got[index - 1] = item.get();
        ++got_ok;
      }
    }
  }
  void after() {
    RL_ASSERT(queue->closed());
    RL_ASSERT(put_ok == got_ok + static_cast<int>(queue->qsize()));
    // FIFO: the gets took the first items put, each once: {1} or {1, 2}.
    RL_ASSERT(got[0] + got[1] == (got_ok == 2 ? 3 : got_ok));
    RL_ASSERT(got[0] != got[1] || got_ok == 0);
    RL_ASSERT(got[0] <= 2 && got[1] <= 2);
    queue.reset();
  }
};

TEST(BlockingQueueModel, ProducersAndConsumersAtMaxsizeOne) {
  CONTEND_EXPECT_MODEL_HOLDS(BlockingHandOver, 20000);
}
TEST(BlockingQueueModel, CloseWakesEveryWaiter) {
  CONTEND_EXPECT_MODEL_HOLDS(CloseWakesEveryone, 20000);
}

}  // namespace
}  // namespace contend
