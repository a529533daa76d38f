// bench_queue's episodes, run through the real harness: every queue passes
// its own judge in every scenario it is registered for, and deliberately
// broken queues (losing, duplicating, reordering, corrupting, or claiming
// an order they do not keep) are judged errors, never numbers, and never
// hang the episode.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "contend/harness/clock.h"
#include "contend/harness/worker_group.h"
#include "contend/queue/blocking_queue.h"
#include "contend/queue/producer_consumer_workload.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/queue_list.h"
#include "contend/queue/queue_pingpong_workload.h"
#include "faulty_queue.h"
#include "queue_test_types.h"
#include "workload_episodes.h"
#include "support/test_machine.h"
#include "support/sanitizer.h"

namespace contend {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kItems = testing_support::scaled_for_tsan<uint64_t>(20000, 4000);
constexpr uint64_t kRoundTrips = testing_support::scaled_for_tsan<uint64_t>(2000, 500);

template <class Kind>
class QueueEpisodes : public ::testing::Test {
 protected:
  static constexpr QueueTraits kTraits = Kind::traits;
  static int producers() { return kTraits.multi_producer() ? 2 : 1; }
  static int consumers() { return kTraits.multi_consumer() ? 2 : 1; }
  static size_t capacity() { return kTraits.can_be_unbounded() ? 0 : 64; }
};
TYPED_TEST_SUITE(QueueEpisodes, AllQueueTypes);

template <class Q>
void expect_stream_passes(const ProducerConsumerConfig& config) {
  ProducerConsumerWorkload<Q> workload(config);
  EpisodeVerdict verdict = run_episodes_of(workload, workload.workers());
  EXPECT_EQ(verdict.error, "");
  EXPECT_EQ(verdict.items, workload.total_items());
  EXPECT_EQ(verdict.lost, 0);
}

TYPED_TEST(QueueEpisodes, ThroughputEpisodesPassTheirJudge) {
  using Q = typename TypeParam::template queue<QueueItem<8>>;
  for (WaitMode wait : {WaitMode::kSpin, WaitMode::kBlock}) {
    if (wait == WaitMode::kBlock && !TestFixture::kTraits.blocking) continue;
    SCOPED_TRACE(std::string(to_string(wait)));
    ProducerConsumerConfig config;
    config.producers = TestFixture::producers();
    config.consumers = TestFixture::consumers();
    config.items_per_producer = kItems;
    config.wait = wait;
    config.capacity = TestFixture::capacity();
    expect_stream_passes<Q>(config);
  }
}

TYPED_TEST(QueueEpisodes, WidePayloadEpisodesPassTheirJudge) {
  using Q = typename TypeParam::template queue<QueueItem<64>>;
  ProducerConsumerConfig config;
  config.producers = TestFixture::producers();
  config.consumers = TestFixture::consumers();
  config.items_per_producer = kItems / 4;
  config.capacity = TestFixture::capacity();
  expect_stream_passes<Q>(config);
}

TYPED_TEST(QueueEpisodes, DrainEpisodesPassTheirJudge) {
  using Q = typename TypeParam::template queue<QueueItem<8>>;
  ProducerConsumerConfig config;
  config.scenario = ExchangeScenario::kDrain;
  config.producers = TestFixture::producers();
  config.consumers = TestFixture::consumers();
  config.items_per_producer = kItems / 2;
  config.capacity = TestFixture::kTraits.can_be_unbounded()
                        ? 0
                        : config.items_per_producer * static_cast<uint64_t>(config.producers);
  ProducerConsumerWorkload<Q> workload(config);
  EpisodeVerdict verdict = run_episodes_of(workload, workload.workers());
  EXPECT_EQ(verdict.error, "");
  EXPECT_EQ(verdict.items, workload.total_items());
}

TYPED_TEST(QueueEpisodes, PingPongEpisodesPassTheirJudge) {
  using Q = typename TypeParam::template queue<QueueItem<8>>;
  for (WaitMode wait : {WaitMode::kSpin, WaitMode::kBlock}) {
    if (wait == WaitMode::kBlock && !TestFixture::kTraits.blocking) continue;
    SCOPED_TRACE(std::string(to_string(wait)));
    QueuePingPongConfig config;
    config.round_trips = kRoundTrips;
    config.wait = wait;
    config.capacity = TestFixture::capacity();
    QueuePingPongWorkload<Q> workload(config);
    EpisodeVerdict verdict = run_episodes_of(workload, 2, /*episodes=*/2);
    EXPECT_EQ(verdict.error, "");
    EXPECT_EQ(verdict.items, kRoundTrips);
    // Every round trip of both episodes is timed, not a sample of them.
    EXPECT_EQ(workload.latencies().count(), 2 * kRoundTrips);
  }
}

// --- Broken queues: each misbehaves in one way, on purpose. ---------------

// Short stall timeouts keep the losing cases quick. On a loaded machine a
// preempted consumer may trip one with nothing lost; the judge then finds
// every item and judges the episode on its merits, so no test depends on it.
template <Fault F, QueueOrder Claimed = QueueOrder::kFifo>
EpisodeVerdict run_faulty_stream(int producers = 1, int consumers = 1) {
  ProducerConsumerConfig config;
  config.producers = producers;
  config.consumers = consumers;
  config.items_per_producer = 2000;
  config.stall_timeout = 100ms;
  ProducerConsumerWorkload<FaultyQueue<QueueItem<8>, F, Claimed>> workload(config);
  return run_episodes_of(workload, workload.workers());
}

TEST(QueueJudge, LostItemsAreAnErrorNotAHang) {
  EpisodeVerdict v = run_faulty_stream<Fault::kLose>(2, 2);
  EXPECT_NE(v.error.find("lost items"), std::string::npos) << v.error;
  EXPECT_GT(v.lost, 0);
}

TEST(QueueJudge, DuplicatedItemsAreAnError) {
  EpisodeVerdict v = run_faulty_stream<Fault::kDuplicate>(2, 2);
  EXPECT_NE(v.error, "");
}

TEST(QueueJudge, ReorderedItemsBreakFifo) {
  EpisodeVerdict v = run_faulty_stream<Fault::kReorder>();
  EXPECT_NE(v.error.find("FIFO order broken"), std::string::npos) << v.error;
}

// A word naming a producer that does not exist.
TEST(QueueJudge, CorruptedItemsAreAnError) {
  EpisodeVerdict stray = run_faulty_stream<Fault::kCorrupt>(1, 1);
  EXPECT_NE(stray.error.find("no producer pushed"), std::string::npos) << stray.error;
}

TEST(QueueJudge, TheOrderCheckedIsTheOneTheTraitsClaim) {
  // The same honest FIFO deque passes as FIFO or unordered ...
  EXPECT_EQ((run_faulty_stream<Fault::kNone, QueueOrder::kFifo>(2, 2).error), "");
  EXPECT_EQ((run_faulty_stream<Fault::kNone, QueueOrder::kNone>(2, 2).error), "");
  // ... while reordering is fine for a queue that promises no order.
  EXPECT_EQ((run_faulty_stream<Fault::kReorder, QueueOrder::kNone>().error), "");
}

template <QueueOrder Claimed>
EpisodeVerdict run_faulty_drain() {
  ProducerConsumerConfig config;
  config.scenario = ExchangeScenario::kDrain;
  config.items_per_producer = 500;
  ProducerConsumerWorkload<FaultyQueue<QueueItem<8>, Fault::kNone, Claimed>> workload(config);
  return run_episodes_of(workload, workload.workers());
}

TEST(QueueJudge, AFifoPosingAsLifoFailsTheDrain) {
  EpisodeVerdict v = run_faulty_drain<QueueOrder::kLifo>();
  EXPECT_NE(v.error.find("LIFO order broken"), std::string::npos) << v.error;
}

TEST(QueueJudge, AFifoPosingAsPriorityFailsTheDrain) {
  EpisodeVerdict v = run_faulty_drain<QueueOrder::kPriority>();
  EXPECT_NE(v.error.find("priority order broken"), std::string::npos) << v.error;
}

// A relaxed priority queue (multiqueue) promises no order, even drained
// quiescent: the judge must not demand one, yet still catch what is lost.
TEST(QueueJudge, RelaxedPriorityIsNotHeldToAnOrderButToEveryItem) {
  EXPECT_EQ(run_faulty_drain<QueueOrder::kRelaxedPriority>().error, "");
  EXPECT_EQ((run_faulty_stream<Fault::kReorder, QueueOrder::kRelaxedPriority>().error), "");
  EpisodeVerdict lost = run_faulty_stream<Fault::kLose, QueueOrder::kRelaxedPriority>(2, 2);
  EXPECT_NE(lost.error.find("lost items"), std::string::npos) << lost.error;
  EpisodeVerdict twice = run_faulty_stream<Fault::kDuplicate, QueueOrder::kRelaxedPriority>(2, 2);
  EXPECT_NE(twice.error, "");
}

// A blocking queue that loses items: sleeping consumers must still come
// back (timed pops) and report the loss.
template <class T>
class LossyBlockingQueue {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "lossy_blocking";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kOptional,
                                      .blocking = true,
                                      .concurrency = QueueConcurrency::kMpmc};
  explicit LossyBlockingQueue(size_t capacity) : queue_(capacity) {}
  bool try_push(const T& item) {
    if (drop(item)) return true;
    return queue_.put_nowait(item) == QueueResult::kOk;
  }
  bool try_pop(T& item) { return queue_.get_nowait(item) == QueueResult::kOk; }
  void push(const T& item) {
    if (!drop(item)) queue_.put(item);
  }
  void pop(T& item) { queue_.get(item); }
  bool pop_for(T& item, std::chrono::nanoseconds timeout) {
    return queue_.get(item, true, timeout) == QueueResult::kOk;
  }

 private:
  bool drop(const T& item) { return item.word != kStopWord && ++pushes_ % 101 == 0; }
  BlockingFifoQueue<T> queue_;
  std::atomic<uint64_t> pushes_{0};
};

TEST(QueueJudge, LostItemsWakeBlockedConsumersToo) {
  ProducerConsumerConfig config;
  config.producers = 2;
  config.consumers = 2;
  config.items_per_producer = 1000;
  config.wait = WaitMode::kBlock;
  config.stall_timeout = 100ms;
  ProducerConsumerWorkload<LossyBlockingQueue<QueueItem<8>>> workload(config);
  EpisodeVerdict v = run_episodes_of(workload, workload.workers());
  EXPECT_NE(v.error.find("lost items"), std::string::npos) << v.error;
}

TEST(QueueJudge, PingPongReportsALostItem) {
  for (WaitMode wait : {WaitMode::kSpin, WaitMode::kBlock}) {
    QueuePingPongConfig config;
    config.round_trips = 500;
    config.wait = wait;
    config.stall_timeout = 100ms;
    QueuePingPongWorkload<LossyBlockingQueue<QueueItem<8>>> workload(config);
    EpisodeVerdict v = run_episodes_of(workload, 2);
    EXPECT_NE(v.error.find("lost an item"), std::string::npos) << v.error;
  }
}

TEST(QueueJudge, PingPongReportsAReorderedReply) {
  QueuePingPongConfig config;
  config.round_trips = 500;
  QueuePingPongWorkload<FaultyQueue<QueueItem<8>, Fault::kDuplicate>> workload(config);
  EpisodeVerdict v = run_episodes_of(workload, 2);
  EXPECT_NE(v.error.find("got back"), std::string::npos) << v.error;
}

TEST(QueueJudge, ConfigsTheTraitsForbidAreRejected) {
  ProducerConsumerConfig spsc_shape;
  spsc_shape.producers = 2;
  EXPECT_THROW(ProducerConsumerWorkload<BoostSpscQueue<QueueItem<8>>>{spsc_shape},
               std::invalid_argument);
  ProducerConsumerConfig block;
  block.wait = WaitMode::kBlock;
  EXPECT_THROW(ProducerConsumerWorkload<MutexDeque<QueueItem<8>>>{block}, std::invalid_argument);
  ProducerConsumerConfig no_capacity;  // capacity 0
  EXPECT_THROW(ProducerConsumerWorkload<TbbBoundedQueue<QueueItem<8>>>{no_capacity},
               std::invalid_argument);
  ProducerConsumerConfig too_small;
  too_small.scenario = ExchangeScenario::kDrain;
  too_small.items_per_producer = 100;
  too_small.capacity = 64;
  EXPECT_THROW(ProducerConsumerWorkload<BoostLockfreeStack<QueueItem<8>>>{too_small},
               std::invalid_argument);
}

// --- What the harness measures ---------------------------------------------

// The cache lines [first, last] that `bytes` at `at` cover.
struct Lines {
  uintptr_t first, last;
};
Lines lines_of(const void* at, size_t bytes) {
  const auto begin = reinterpret_cast<uintptr_t>(at);
  return {begin / 64, (begin + std::max<size_t>(bytes, 1) - 1) / 64};
}

// Consumers write their tallies on every pop: nothing one consumer writes
// (the tally and its last-seq-per-producer buffer) may share a cache line
// with another consumer's.
TEST(ConsumerTallies, NoTwoConsumersShareACacheLine) {
  ProducerConsumerConfig config;
  config.producers = 3;
  config.consumers = 4;
  config.items_per_producer = 1000;
  ProducerConsumerWorkload<FaultyQueue<QueueItem<8>, Fault::kNone>> workload(config);
  std::vector<std::vector<Lines>> owned(config.consumers);
  for (int c = 0; c < config.consumers; ++c) {
    const ConsumerTally& tally = workload.tally(c);
    ASSERT_EQ(tally.last_seq.size(), 3u);
    for (const void* start : {static_cast<const void*>(&tally),
                              static_cast<const void*>(tally.last_seq.data())})
      EXPECT_EQ(reinterpret_cast<uintptr_t>(start) % 64, 0u) << "consumer " << c;
    owned[c] = {lines_of(&tally, sizeof tally),
                lines_of(tally.last_seq.data(), tally.last_seq.capacity() * sizeof(uint64_t))};
  }
  for (int a = 0; a < config.consumers; ++a)
    for (int b = a + 1; b < config.consumers; ++b)
      for (const Lines& x : owned[a])
        for (const Lines& y : owned[b])
          EXPECT_TRUE(x.last < y.first || y.last < x.first)
              << "consumers " << a << " and " << b << " share a cache line";
}

// A blocking FIFO whose stop pills are handed over late: a pop that gets a
// pill first waits, then notes when it handed it over (the wake-up).
template <class T>
class SlowPillQueue {
 public:
  using value_type = T;
  static constexpr std::string_view kId = "slow_pill";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kOptional,
                                      .blocking = true,
                                      .concurrency = QueueConcurrency::kMpmc};
  explicit SlowPillQueue(size_t capacity) : queue_(capacity) {}
  bool try_push(const T& item) { return queue_.put_nowait(item) == QueueResult::kOk; }
  bool try_pop(T& item) { return handed_over(queue_.get_nowait(item) == QueueResult::kOk, item); }
  void push(const T& item) { queue_.put(item); }
  void pop(T& item) {
    queue_.get(item);
    handed_over(true, item);
  }
  bool pop_for(T& item, std::chrono::nanoseconds timeout) {
    return handed_over(queue_.get(item, true, timeout) == QueueResult::kOk, item);
  }

  static constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  int64_t first_pill_ns() const { return first_pill_ns_.load(); }
  void forget_pills() { first_pill_ns_.store(kNone); }

 private:
  bool handed_over(bool got, const T& item) {
    if (!got || item.word != kStopWord) return got;
    std::this_thread::sleep_for(2ms);
    const int64_t now = monotonic_ns();
    int64_t first = first_pill_ns_.load();
    while (now < first && !first_pill_ns_.compare_exchange_weak(first, now)) {
    }
    return true;
  }
  BlockingFifoQueue<T> queue_;
  std::atomic<int64_t> first_pill_ns_{kNone};
};

// Block mode, several consumers: the ones asleep when the items run out
// are woken by stop pills. That wake-up is not work: the makespan must end
// when the last item is consumed, before any pill is handed over.
TEST(QueueMakespan, EndsWithTheLastItemNotWithTheStopPills) {
  ProducerConsumerConfig config;
  config.producers = 1;
  config.consumers = 3;
  config.items_per_producer = 2000;
  config.wait = WaitMode::kBlock;
  ProducerConsumerWorkload<SlowPillQueue<QueueItem<8>>> workload(config);
  WorkerGroup group(this_machine(),
                    place_workers(this_machine(), PlacementPolicy::kCompact, workload.workers()),
                    [&workload](const WorkerContext& context) { return workload.run(context); });
  for (int episode = 0; episode < 3; ++episode) {
    workload.queue().forget_pills();
    workload.prepare();
    const EpisodeResult result = group.run_episode();
    ASSERT_TRUE(result.ok()) << result.error;
    ASSERT_EQ(workload.judge(result).error, "");
    const int64_t pill = workload.queue().first_pill_ns();
    ASSERT_NE(pill, workload.queue().kNone) << "no consumer was woken by a pill";
    const int64_t end = result.release_ns + std::llround(result.makespan_seconds * 1e9);
    EXPECT_LT(end, pill) << "episode " << episode;
  }
}

}  // namespace
}  // namespace contend
