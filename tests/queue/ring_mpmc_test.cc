// RingMpmc, on its own: capacity (rounded up to a power of two), the slot
// remapping (every slot used once per lap, at every capacity), FIFO in
// ticket order across producers, no loss or duplicate when blocking and
// non-blocking calls mix, and the futex wake-ups: a consumer asleep on an
// empty slot is woken by a push, a producer asleep on a full slot by a pop,
// and sleepers of different laps on one slot are all woken in turn; a
// timed pop that read a stale tail does not sleep while an item waits.
// Relacy checks the same template under every interleaving it tries
// (ring_mpmc_model.cc).
//
// Nothing here asserts how long anything took. Where a test needs a thread
// asleep in the queue first, it waits for sleepers() to say so.
#include "contend/queue/ring_mpmc.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "contend/queue/queue_item.h"
#include "contend/sync/backoff.h"
#include "support/sanitizer.h"

namespace contend {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kPerProducer = testing_support::scaled_for_tsan<uint64_t>(50000, 5000);

// Waits (yielding) until pred() holds. No deadline: if the queue is broken
// the test hangs and ctest's timeout reports it.
template <class Pred>
void wait_until(Pred pred) {
  while (!pred()) std::this_thread::yield();
}

TEST(RingMpmc, NeedsACapacity) { EXPECT_THROW(RingMpmc<int>(0), std::invalid_argument); }

TEST(RingMpmc, CapacityIsRoundedUpToAPowerOfTwoAndHeldExactly) {
  for (auto [asked, held] : std::vector<std::pair<size_t, size_t>>{
           {1, 1}, {2, 2}, {3, 4}, {5, 8}, {64, 64}, {100, 128}}) {
    RingMpmc<int> ring(asked);
    EXPECT_EQ(ring.capacity(), held) << "asked for " << asked;
    for (size_t i = 0; i < held; ++i)
      ASSERT_TRUE(ring.try_push(static_cast<int>(i))) << "asked " << asked << ", item " << i;
    EXPECT_FALSE(ring.try_push(-1)) << "asked " << asked << ": took one too many";
    int out = -1;
    for (size_t i = 0; i < held; ++i) {
      ASSERT_TRUE(ring.try_pop(out));
      EXPECT_EQ(out, static_cast<int>(i));
    }
    EXPECT_FALSE(ring.try_pop(out));
  }
}

// Many laps at every fill level and at capacities with every shape of the
// remapping (one line, several, slots per line > lines and <): if two
// tickets of one lap shared a slot, an item would be overwritten and the
// order or the count would break.
TEST(RingMpmc, EverySlotServesOneTicketPerLapAtEveryCapacity) {
  for (size_t capacity : {1u, 2u, 4u, 8u, 16u, 32u, 256u}) {
    RingMpmc<uint64_t> ring(capacity);
    uint64_t next_in = 0, next_out = 0;
    for (int lap = 0; lap < 50; ++lap) {
      const size_t fill = 1 + (static_cast<size_t>(lap) * 7) % capacity;
      for (size_t i = 0; i < fill; ++i) ASSERT_TRUE(ring.try_push(next_in++)) << capacity;
      uint64_t out = 0;
      for (size_t i = 0; i < fill; ++i) {
        ASSERT_TRUE(ring.try_pop(out)) << capacity;
        ASSERT_EQ(out, next_out++) << "capacity " << capacity;
      }
      ASSERT_FALSE(ring.try_pop(out));
    }
  }
}

// Blocking and non-blocking calls on one queue share the tickets.
TEST(RingMpmc, BlockingAndTryCallsInterleaveInOneOrder) {
  RingMpmc<int> ring(4);
  ring.push(1);
  ASSERT_TRUE(ring.try_push(2));
  ring.push(3);
  int out = 0;
  ring.pop(out);
  EXPECT_EQ(out, 1);
  ASSERT_TRUE(ring.try_pop(out));
  EXPECT_EQ(out, 2);
  ASSERT_TRUE(ring.pop_for(out, 1s));
  EXPECT_EQ(out, 3);
  EXPECT_FALSE(ring.pop_for(out, 1ms));
}

// FIFO across producers, not just per producer: a push that finished
// before another began leaves before it. Each item carries how many
// pushes had finished when its push began (m); with one consumer, the
// item must come out at position m or later, since those m items leave
// first. Per-producer order is checked too.
TEST(RingMpmc, ItemsLeaveInTicketOrderAcrossProducers) {
  constexpr int kProducers = 3;
  constexpr uint64_t kItems = kPerProducer;
  RingMpmc<QueueItem<8>> ring(16);
  std::atomic<uint64_t> finished_pushes{0};
  // Per (producer, seq): finished pushes when that push began. Relaxed: the
  // queue's hand-over orders the store before the consumer's load.
  std::vector<std::atomic<uint64_t>> finished_before(kProducers * kItems);
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      QueueItem<8> item{};
      for (uint64_t seq = 0; seq < kItems; ++seq) {
        item.word = make_item_word(static_cast<uint32_t>(p), seq);
        finished_before[p * kItems + seq].store(finished_pushes.load(), std::memory_order_relaxed);
        ring.push(item);
        finished_pushes.fetch_add(1);
      }
    });
  uint64_t early = 0, first_early_position = 0, out_of_order = 0;
  std::vector<int64_t> last(kProducers, -1);
  QueueItem<8> got{};
  for (uint64_t position = 0; position < kProducers * kItems; ++position) {
    ring.pop(got);
    const uint32_t p = item_producer(got.word);
    const uint64_t seq = item_seq(got.word);
    if (finished_before[p * kItems + seq].load(std::memory_order_relaxed) > position &&
        early++ == 0)
      first_early_position = position;
    if (static_cast<int64_t>(seq) <= last[p]) ++out_of_order;
    last[p] = static_cast<int64_t>(seq);
  }
  for (auto& t : producers) t.join();
  EXPECT_EQ(early, 0u) << "an item overtook one whose push had finished before its own began, "
                          "first at position " << first_early_position;
  EXPECT_EQ(out_of_order, 0u) << "a producer's items left out of order";
}

// Three producers and three consumers (more threads than this machine's
// cores), each mixing blocking and non-blocking calls through a small
// queue: every item exactly once, each producer's items in order as each
// consumer sees them.
TEST(RingMpmc, MixedCallsUnderStressLoseAndDuplicateNothing) {
  constexpr int kProducers = 3, kConsumers = 3;
  const uint64_t total = kPerProducer * kProducers;
  RingMpmc<QueueItem<8>> ring(8);
  std::atomic<uint64_t> claimed{0};
  std::vector<std::vector<uint64_t>> popped(kConsumers);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p)
    threads.emplace_back([&, p] {
      QueueItem<8> item{};
      SpinWait spin;
      for (uint64_t seq = 0; seq < kPerProducer; ++seq) {
        item.word = make_item_word(static_cast<uint32_t>(p), seq);
        if (seq % 2) {
          ring.push(item);
        } else {
          while (!ring.try_push(item)) spin.pause();
        }
      }
    });
  for (int c = 0; c < kConsumers; ++c)
    threads.emplace_back([&, c] {
      QueueItem<8> item{};
      // Claim a pop before making it, so exactly `total` pops happen and
      // none waits for an item that never comes.
      for (uint64_t n = 0; claimed.fetch_add(1) < total; ++n) {
        switch (n % 3) {
          case 0: ring.pop(item); break;
          case 1: while (!ring.try_pop(item)) std::this_thread::yield(); break;
          case 2: while (!ring.pop_for(item, 10ms)) {} break;
        }
        popped[c].push_back(item.word);
      }
    });
  for (auto& t : threads) t.join();
  std::vector<std::vector<uint8_t>> seen(kProducers, std::vector<uint8_t>(kPerProducer, 0));
  for (int c = 0; c < kConsumers; ++c) {
    std::vector<int64_t> last(kProducers, -1);
    for (uint64_t word : popped[c]) {
      const uint32_t p = item_producer(word);
      const uint64_t seq = item_seq(word);
      ASSERT_LT(p, static_cast<uint32_t>(kProducers));
      ASSERT_LT(seq, kPerProducer);
      ASSERT_EQ(seen[p][seq]++, 0) << "producer " << p << " item " << seq << " popped twice";
      ASSERT_GT(static_cast<int64_t>(seq), last[p]) << "consumer " << c << ", producer " << p;
      last[p] = static_cast<int64_t>(seq);
    }
  }
  for (int p = 0; p < kProducers; ++p)
    for (uint64_t seq = 0; seq < kPerProducer; ++seq)
      ASSERT_EQ(seen[p][seq], 1) << "producer " << p << " item " << seq << " lost";
  QueueItem<8> extra{};
  EXPECT_FALSE(ring.try_pop(extra));
}

TEST(RingMpmc, AConsumerAsleepOnAnEmptySlotIsWokenByAPush) {
  RingMpmc<int> ring(4);
  auto consumer = std::async(std::launch::async, [&] {
    int out = -1;
    ring.pop(out);
    return out;
  });
  wait_until([&] { return ring.sleepers() == 1; });
  ring.push(42);
  EXPECT_EQ(consumer.get(), 42);
}

TEST(RingMpmc, AProducerAsleepOnAFullSlotIsWokenByAPop) {
  RingMpmc<int> ring(1);
  ring.push(1);
  auto producer = std::async(std::launch::async, [&] { ring.push(2); });
  wait_until([&] { return ring.sleepers() == 1; });
  int out = 0;
  ASSERT_TRUE(ring.try_pop(out));
  EXPECT_EQ(out, 1);
  producer.get();  // hangs if the pop did not wake it
  ring.pop(out);
  EXPECT_EQ(out, 2);
}

TEST(RingMpmc, ATimedPopAsleepOnAnEmptyQueueIsWokenByAPush) {
  RingMpmc<int> ring(4);
  auto consumer = std::async(std::launch::async, [&] {
    int out = -1;
    const bool got = ring.pop_for(out, 1h);
    return got ? out : -1;
  });
  wait_until([&] { return ring.sleepers() == 1; });
  ASSERT_TRUE(ring.try_push(7));
  EXPECT_EQ(consumer.get(), 7);
}

// Capacity 1: three consumers take tickets 0, 1, 2, all on the one slot,
// laps 0, 1, 2, and all sleep on its turn word. Each push must wake them
// all (only one of them can proceed per lap), and each gets its own item.
TEST(RingMpmc, SleepersOfDifferentLapsOnOneSlotAreAllServed) {
  constexpr int kConsumers = 3;
  RingMpmc<int> ring(1);
  std::vector<std::future<int>> consumers;
  for (int c = 0; c < kConsumers; ++c)
    consumers.push_back(std::async(std::launch::async, [&] {
      int out = -1;
      ring.pop(out);
      return out;
    }));
  wait_until([&] { return ring.sleepers() == kConsumers; });
  for (int i = 0; i < kConsumers; ++i) ring.push(i);  // each waits for the previous pop
  std::vector<bool> seen(kConsumers, false);
  for (auto& c : consumers) {
    const int item = c.get();
    ASSERT_GE(item, 0);
    ASSERT_LT(item, kConsumers);
    EXPECT_FALSE(seen[item]) << "item " << item << " handed out twice";
    seen[item] = true;
  }
}

// Stops the first pop_for that reaches the pause point (between its read of
// tail_ and its read of the tail slot's turn) until the test lets it go.
struct PausedPopFor : RingMpmcPlatform {
  enum State { kArmed, kPaused, kReleased };
  static inline std::atomic<int> state{kArmed};
  static void pop_for_paused_at_turn() {
    int armed = kArmed;
    if (!state.compare_exchange_strong(armed, kPaused)) return;
    while (state.load() != kReleased) std::this_thread::yield();
  }
};

// The lost sleep of issue 25, step by step, at capacity 2: consumer C1's
// try_pop finds the queue empty and C1 reads tail_ == 0; then a push of A,
// a pop of A by another consumer (slot 0 moves on to the next lap's push)
// and a push of B into slot 1. C1 reads slot 0's turn: not "full for
// ticket 0". It must look again and take B, not sleep on slot 0 until the
// next lap's push (or its timeout, at which it took B unflagged).
TEST(RingMpmc, ATimedPopThatReadAStaleTailDoesNotSleepWhileAnItemWaits) {
  RingMpmc<int, PausedPopFor> ring(2);
  PausedPopFor::state = PausedPopFor::kArmed;
  auto consumer = std::async(std::launch::async, [&] {
    int out = -1;
    return ring.pop_for(out, 1h) ? out : -1;
  });
  wait_until([] { return PausedPopFor::state == PausedPopFor::kPaused; });
  int out = -1;
  ASSERT_TRUE(ring.try_push(1));
  ASSERT_TRUE(ring.try_pop(out));  // another consumer takes ticket 0
  ASSERT_TRUE(ring.try_push(2));   // B, in slot 1
  PausedPopFor::state = PausedPopFor::kReleased;
  // Either C1 returns, or it goes to sleep with B in the queue: the bug.
  const auto returned = [&] { return consumer.wait_for(0s) == std::future_status::ready; };
  wait_until([&] { return returned() || ring.sleepers() > 0; });
  const bool slept = !returned();
  if (slept) {
    ASSERT_TRUE(ring.try_push(3));  // the next lap's push to slot 0 wakes it
  }
  EXPECT_FALSE(slept) << "pop_for slept on slot 0 while item 2 waited in slot 1";
  EXPECT_EQ(consumer.get(), 2);
}

// Several consumers asleep in pop_for (with no useful timeout), a producer
// handing them items one at a time: each item must wake a consumer, which
// takes it. The producer waits for each item to be taken before pushing
// the next, so the consumers are mostly asleep when it pushes. A lost
// wake-up hangs the test (ctest's timeout reports it). Relacy checks the
// same with every interleaving it tries (ring_mpmc_model.cc), which is what
// reliably catches a hand-over that is not one atomic exchange.
TEST(RingMpmc, TimedPopsAsleepOnAnEmptyQueueAreWokenByEachPush) {
  constexpr int kConsumers = 3;
  constexpr int kItems = testing_support::scaled_for_tsan<int>(2000, 200);
  RingMpmc<int> ring(2);
  std::atomic<int> taken{0};
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c)
    consumers.emplace_back([&] {
      int out = 0;
      for (;;) {
        EXPECT_TRUE(ring.pop_for(out, 1h));
        if (out < 0) return;  // the stop pill
        taken.fetch_add(1);
      }
    });
  for (int i = 0; i < kItems; ++i) {
    if (i % 64 == 0) wait_until([&] { return ring.sleepers() == kConsumers; });
    ring.push(i);
    wait_until([&] { return taken.load() == i + 1; });
  }
  for (int c = 0; c < kConsumers; ++c) ring.push(-1);
  for (auto& t : consumers) t.join();
  EXPECT_EQ(taken.load(), kItems);
}

}  // namespace
}  // namespace contend
