// Every queue in queue_list.h, driven hard by plain threads: no item lost,
// none duplicated, and exactly the order its traits promise. What runs and
// what is checked comes from the traits, so a queue added to the list is
// tested here with no edit.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "contend/queue/queue_item.h"
#include "contend/queue/queue_list.h"
#include "queue_test_types.h"
#include "contend/sync/backoff.h"
#include "support/sanitizer.h"

namespace contend {
namespace {

constexpr uint64_t kPerProducer = testing_support::scaled_for_tsan<uint64_t>(100000, 10000);



template <class Kind>
class QueueStress : public ::testing::Test {
 protected:
  using Item = QueueItem<8>;
  using Q = typename Kind::template queue<Item>;
  static constexpr QueueTraits kTraits = Kind::traits;

  // The most producers and consumers the queue allows, up to 3 each:
  // more threads than this machine's 2 cores, on purpose.
  static int max_producers() { return kTraits.multi_producer() ? 3 : 1; }
  static int max_consumers() { return kTraits.multi_consumer() ? 3 : 1; }

  // A small capacity where the queue can be bounded (full is the hard
  // path), else unbounded.
  static size_t small_capacity() { return kTraits.can_be_bounded() ? 16 : 0; }

  template <class Handle>
  static void push_spinning(Handle& handle, const Item& item) {
    SpinWait spin;
    while (!handle.try_push(item)) spin.pause();
  }
};

TYPED_TEST_SUITE(QueueStress, AllQueueTypes);

// Checks a run's pops: each item once, and the per-producer FIFO order
// (per consumer) when the queue promises FIFO.
void expect_exact_multiset(const std::vector<std::vector<uint64_t>>& popped, int producers,
                           uint64_t per_producer, bool check_fifo) {
  std::vector<std::vector<uint8_t>> seen(producers, std::vector<uint8_t>(per_producer, 0));
  for (size_t c = 0; c < popped.size(); ++c) {
    std::vector<int64_t> last(producers, -1);
    for (uint64_t word : popped[c]) {
      const uint32_t p = item_producer(word);
      const uint64_t seq = item_seq(word);
      ASSERT_LT(p, static_cast<uint32_t>(producers)) << "stray word " << word;
      ASSERT_LT(seq, per_producer) << "stray word " << word;
      ASSERT_EQ(word, make_item_word(p, seq)) << "corrupted word";
      ASSERT_EQ(seen[p][seq]++, 0) << "producer " << p << " item " << seq << " popped twice";
      if (check_fifo) {
        ASSERT_GT(static_cast<int64_t>(seq), last[p])
            << "consumer " << c << " got producer " << p << "'s items out of order";
        last[p] = static_cast<int64_t>(seq);
      }
    }
  }
  for (int p = 0; p < producers; ++p)
    for (uint64_t seq = 0; seq < per_producer; ++seq)
      ASSERT_EQ(seen[p][seq], 1) << "producer " << p << " item " << seq << " lost";
}

// Producers and consumers at once, spinning on try_push / try_pop through
// a small queue; consumers stop when the shared count says all arrived.
TYPED_TEST(QueueStress, ConcurrentSpinningHandOverLosesNothing) {
  using Q = typename TestFixture::Q;
  using Item = typename TestFixture::Item;
  const int producers = TestFixture::max_producers();
  const int consumers = TestFixture::max_consumers();
  const uint64_t total = kPerProducer * static_cast<uint64_t>(producers);
  Q queue(TestFixture::small_capacity());
  std::vector<producer_handle_t<Q>> in;
  std::vector<consumer_handle_t<Q>> out;
  for (int p = 0; p < producers; ++p) in.emplace_back(queue);
  for (int c = 0; c < consumers; ++c) out.emplace_back(queue);
  std::vector<std::vector<uint64_t>> popped(consumers);
  std::atomic<uint64_t> consumed{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      Item item{};
      for (uint64_t seq = 0; seq < kPerProducer; ++seq) {
        item.word = make_item_word(static_cast<uint32_t>(p), seq);
        TestFixture::push_spinning(in[p], item);
      }
    });
  for (int c = 0; c < consumers; ++c)
    threads.emplace_back([&, c] {
      popped[c].reserve(total);
      Item item{};
      SpinWait spin;
      while (consumed.load() < total) {
        if (out[c].try_pop(item)) {
          popped[c].push_back(item.word);
          consumed.fetch_add(1);
        } else {
          spin.pause();
        }
      }
    });
  for (auto& t : threads) t.join();
  Item extra{};
  EXPECT_FALSE(queue.try_pop(extra)) << "an extra item was left: a duplicate";
  expect_exact_multiset(popped, producers, kPerProducer,
                        TestFixture::kTraits.order == QueueOrder::kFifo);
}

// Filled, then drained by one thread: the exact order the traits promise.
TYPED_TEST(QueueStress, QuiescentDrainKeepsThePromisedOrder) {
  using Q = typename TestFixture::Q;
  using Item = typename TestFixture::Item;
  constexpr uint64_t kItems = 5000;
  Q queue(TestFixture::kTraits.can_be_unbounded() ? 0 : kItems);
  producer_handle_t<Q> in(queue);
  consumer_handle_t<Q> out(queue);
  std::vector<uint64_t> pushed;
  Item item{};
  for (uint64_t seq = 0; seq < kItems; ++seq) {
    item.word = make_item_word(0, seq);
    ASSERT_TRUE(in.try_push(item)) << "refused item " << seq << " below its capacity";
    pushed.push_back(item.word);
  }
  std::vector<uint64_t> drained;
  while (out.try_pop(item)) drained.push_back(item.word);
  std::vector<uint64_t> expected = pushed;
  switch (TestFixture::kTraits.order) {
    case QueueOrder::kFifo: break;
    case QueueOrder::kLifo: std::reverse(expected.begin(), expected.end()); break;
    case QueueOrder::kPriority: std::sort(expected.begin(), expected.end()); break;
    // Relaxed: small keys first only with high probability, even here
    // (multiqueue_test.cc measures how close); the multiset must match.
    case QueueOrder::kRelaxedPriority:
    case QueueOrder::kNone:
      std::sort(expected.begin(), expected.end());
      std::sort(drained.begin(), drained.end());
      break;
  }
  EXPECT_EQ(drained, expected);
}

// Several producers fill, several consumers drain a quiescent queue at
// once: each consumer's pops follow the order (per producer for FIFO and
// LIFO, globally ascending for priority), and nothing goes missing.
TYPED_TEST(QueueStress, ConcurrentDrainOfAQuiescentQueueKeepsOrder) {
  using Q = typename TestFixture::Q;
  using Item = typename TestFixture::Item;
  const int producers = TestFixture::max_producers();
  const int consumers = TestFixture::max_consumers();
  const uint64_t per_producer = kPerProducer / 4;
  const uint64_t total = per_producer * static_cast<uint64_t>(producers);
  Q queue(TestFixture::kTraits.can_be_unbounded() ? 0 : total);
  std::vector<producer_handle_t<Q>> in;
  std::vector<consumer_handle_t<Q>> out;
  for (int p = 0; p < producers; ++p) in.emplace_back(queue);
  for (int c = 0; c < consumers; ++c) out.emplace_back(queue);
  {
    std::vector<std::thread> fill;
    for (int p = 0; p < producers; ++p)
      fill.emplace_back([&, p] {
        Item item{};
        for (uint64_t seq = 0; seq < per_producer; ++seq) {
          item.word = make_item_word(static_cast<uint32_t>(p), seq);
          TestFixture::push_spinning(in[p], item);
        }
      });
    for (auto& t : fill) t.join();
  }
  std::vector<std::vector<uint64_t>> popped(consumers);
  std::atomic<uint64_t> consumed{0};
  std::vector<std::thread> drain;
  for (int c = 0; c < consumers; ++c)
    drain.emplace_back([&, c] {
      Item item{};
      while (consumed.load() < total) {
        if (out[c].try_pop(item)) {
          popped[c].push_back(item.word);
          consumed.fetch_add(1);
        } else {
          std::this_thread::yield();
        }
      }
    });
  for (auto& t : drain) t.join();

  const QueueOrder order = TestFixture::kTraits.order;
  expect_exact_multiset(popped, producers, per_producer, order == QueueOrder::kFifo);
  for (int c = 0; c < consumers; ++c) {
    const auto& seq = popped[c];
    if (order == QueueOrder::kPriority) {
      EXPECT_TRUE(std::is_sorted(seq.begin(), seq.end())) << "consumer " << c;
    } else if (order == QueueOrder::kLifo) {
      std::vector<int64_t> last(producers, INT64_MAX);
      for (uint64_t word : seq) {
        const uint32_t p = item_producer(word);
        ASSERT_LT(static_cast<int64_t>(item_seq(word)), last[p]) << "consumer " << c;
        last[p] = static_cast<int64_t>(item_seq(word));
      }
    }
  }
}

// Bounded queues refuse items when full and take one again after a pop;
// unbounded ones never refuse.
TYPED_TEST(QueueStress, CapacityBehavesAsItsTraitsSay) {
  using Q = typename TestFixture::Q;
  using Item = typename TestFixture::Item;
  Item item{};
  if constexpr (Q::traits.capacity == QueueCapacity::kUnbounded) {
    Q queue(0);
    for (uint64_t seq = 0; seq < 100000; ++seq) {
      item.word = make_item_word(0, seq);
      ASSERT_TRUE(queue.try_push(item)) << "an unbounded queue refused item " << seq;
    }
  } else {
    constexpr size_t kCapacity = 64;
    Q queue(kCapacity);
    uint64_t accepted = 0;
    for (; accepted < 4 * kCapacity; ++accepted) {
      item.word = make_item_word(0, accepted);
      if (!queue.try_push(item)) break;
    }
    EXPECT_GE(accepted, kCapacity / 2) << "refused long before its capacity";
    EXPECT_LT(accepted, 4 * kCapacity) << "a bounded queue never refused";
    ASSERT_TRUE(queue.try_pop(item));
    item.word = make_item_word(1, 0);
    EXPECT_TRUE(queue.try_push(item)) << "no room after a pop";
    if constexpr (Q::traits.capacity == QueueCapacity::kOptional) {
      Q unbounded(0);
      for (uint64_t seq = 0; seq < 10 * kCapacity; ++seq) {
        item.word = make_item_word(0, seq);
        ASSERT_TRUE(unbounded.try_push(item)) << "capacity 0 must mean unbounded";
      }
    }
  }
}

// 64-byte items survive the trip whole (the adapters copy all of them).
TYPED_TEST(QueueStress, WidePayloadArrivesIntact) {
  using Wide = QueueItem<64>;
  using Q = typename TypeParam::template queue<Wide>;
  Q queue(TestFixture::kTraits.can_be_unbounded() ? 0 : 16);
  Wide item{};
  item.word = make_item_word(0, 1);
  for (size_t i = 0; i < sizeof item.padding; ++i) item.padding[i] = static_cast<unsigned char>(i);
  ASSERT_TRUE(queue.try_push(item));
  Wide got{};
  ASSERT_TRUE(queue.try_pop(got));
  EXPECT_EQ(got.word, item.word);
  EXPECT_TRUE(std::equal(std::begin(got.padding), std::end(got.padding), std::begin(item.padding)));
}

// The same through the queue's blocking calls (blocking queues only): each
// consumer claims a pop before making it, so exactly `total` pops happen
// and none of them can sleep forever.
template <class Kind>
class BlockingQueueStress : public QueueStress<Kind> {};
TYPED_TEST_SUITE(BlockingQueueStress, BlockingQueueTypes);

TYPED_TEST(BlockingQueueStress, ConcurrentBlockingHandOverLosesNothing) {
  using Q = typename TestFixture::Q;
  using Item = typename TestFixture::Item;
  const int producers = TestFixture::max_producers();
  const int consumers = TestFixture::max_consumers();
  const uint64_t total = kPerProducer * static_cast<uint64_t>(producers);
  Q queue(TestFixture::small_capacity());
  std::vector<std::vector<uint64_t>> popped(consumers);
  std::atomic<uint64_t> claimed{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      Item item{};
      for (uint64_t seq = 0; seq < kPerProducer; ++seq) {
        item.word = make_item_word(static_cast<uint32_t>(p), seq);
        queue.push(item);
      }
    });
  for (int c = 0; c < consumers; ++c)
    threads.emplace_back([&, c] {
      Item item{};
      while (claimed.fetch_add(1) < total) {
        queue.pop(item);
        popped[c].push_back(item.word);
      }
    });
  for (auto& t : threads) t.join();
  expect_exact_multiset(popped, producers, kPerProducer,
                        TestFixture::kTraits.order == QueueOrder::kFifo);
}

// A timed pop on an empty queue gives up and says so; one with an item
// arriving in time takes it (queues with a timed pop only).
template <class Kind>
class TimedQueueStress : public QueueStress<Kind> {};
TYPED_TEST_SUITE(TimedQueueStress, TimedQueueTypes);

TYPED_TEST(TimedQueueStress, TimedPopOnEmptyGivesUp) {
  using Q = typename TestFixture::Q;
  Q queue(TestFixture::small_capacity());
  typename TestFixture::Item item{};
  EXPECT_FALSE(queue.pop_for(item, std::chrono::milliseconds(5)));
  item.word = make_item_word(0, 7);
  ASSERT_TRUE(queue.try_push(item));
  typename TestFixture::Item got{};
  EXPECT_TRUE(queue.pop_for(got, std::chrono::seconds(30)));
  EXPECT_EQ(got.word, item.word);
}

}  // namespace
}  // namespace contend
