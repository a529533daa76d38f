// RingSpsc, on its own: exact capacity, full and empty, wrap-around, the
// cached indices going stale and being refreshed, and a producer and a
// consumer thread handing a long checksummed sequence over (also under
// ThreadSanitizer, which checks the slot hand-over's memory orders).
#include "contend/queue/ring_spsc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "contend/queue/queue_item.h"
#include "contend/sync/backoff.h"
#include "support/sanitizer.h"

namespace contend {
namespace {

TEST(RingSpsc, NeedsACapacity) { EXPECT_THROW(RingSpsc<int>(0), std::invalid_argument); }

TEST(RingSpsc, HoldsExactlyItsCapacity) {
  for (size_t capacity : {1u, 2u, 7u, 64u}) {
    RingSpsc<int> ring(capacity);
    EXPECT_EQ(ring.capacity(), capacity);
    for (size_t i = 0; i < capacity; ++i)
      ASSERT_TRUE(ring.try_push(static_cast<int>(i))) << "capacity " << capacity << " item " << i;
    EXPECT_FALSE(ring.try_push(-1)) << "capacity " << capacity << " took one too many";
    int out = -1;
    for (size_t i = 0; i < capacity; ++i) {
      ASSERT_TRUE(ring.try_pop(out));
      EXPECT_EQ(out, static_cast<int>(i));
    }
    EXPECT_FALSE(ring.try_pop(out)) << "capacity " << capacity << " popped from empty";
  }
}

// Many laps around a small ring, at every fill level: the indices wrap
// and the order survives each wrap.
TEST(RingSpsc, OrderSurvivesManyWrapArounds) {
  constexpr size_t kCapacity = 5;
  RingSpsc<uint64_t> ring(kCapacity);
  uint64_t next_in = 0, next_out = 0;
  for (int lap = 0; lap < 200; ++lap) {
    const size_t fill = 1 + static_cast<size_t>(lap) % kCapacity;
    for (size_t i = 0; i < fill; ++i) ASSERT_TRUE(ring.try_push(next_in++));
    uint64_t out = 0;
    for (size_t i = 0; i < fill; ++i) {
      ASSERT_TRUE(ring.try_pop(out));
      ASSERT_EQ(out, next_out++);
    }
    ASSERT_FALSE(ring.try_pop(out));
  }
}

// The producer's copy of the read index says "full" after it filled the
// ring; pops free room behind its back, and its next push must look again
// rather than trust the copy. The same for the consumer's copy of the
// write index after it emptied the ring.
TEST(RingSpsc, StaleCachedIndicesAreRefreshed) {
  constexpr size_t kCapacity = 4;
  RingSpsc<int> ring(kCapacity);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(ring.try_push(i));
  ASSERT_FALSE(ring.try_push(99));  // the producer's copy is now "full"
  int out = -1;
  ASSERT_TRUE(ring.try_pop(out));
  ASSERT_TRUE(ring.try_pop(out));
  EXPECT_TRUE(ring.try_push(4)) << "the producer trusted its stale copy of the read index";
  EXPECT_TRUE(ring.try_push(5));
  EXPECT_FALSE(ring.try_push(6));

  for (int expected = 2; expected <= 5; ++expected) {
    ASSERT_TRUE(ring.try_pop(out));
    EXPECT_EQ(out, expected);
  }
  ASSERT_FALSE(ring.try_pop(out));  // the consumer's copy is now "empty"
  ASSERT_TRUE(ring.try_push(7));
  ASSERT_TRUE(ring.try_pop(out)) << "the consumer trusted its stale copy of the write index";
  EXPECT_EQ(out, 7);
}

// One producer thread and one consumer thread, a small ring so that both
// the full and the empty path run constantly: every item arrives, in
// order, intact (the 64-byte item's padding is checked as well).
TEST(RingSpsc, ThreadsHandOverEveryItemInOrder) {
  constexpr uint64_t kItems = testing_support::scaled_for_tsan<uint64_t>(1000000, 50000);
  using Item = QueueItem<64>;
  RingSpsc<Item> ring(8);
  auto fill = [](uint64_t seq) {
    Item item{};
    item.word = make_item_word(0, seq % kMaxItemsPerProducer);
    for (size_t i = 0; i < sizeof item.padding; ++i)
      item.padding[i] = static_cast<unsigned char>(seq + i);
    return item;
  };
  std::thread producer([&] {
    SpinWait spin;
    for (uint64_t seq = 0; seq < kItems; ++seq) {
      const Item item = fill(seq);
      while (!ring.try_push(item)) spin.pause();
    }
  });
  // Every item is drained even after a failure, so the producer finishes
  // and can be joined; the first bad item is reported.
  uint64_t checksum = 0, expected_checksum = 0;
  uint64_t bad_items = 0, first_bad = 0;
  Item got{};
  SpinWait spin;
  for (uint64_t seq = 0; seq < kItems; ++seq) {
    while (!ring.try_pop(got)) spin.pause();
    const Item want = fill(seq);
    const bool intact = got.word == want.word &&
                        std::equal(std::begin(got.padding), std::end(got.padding),
                                   std::begin(want.padding));
    if (!intact && bad_items++ == 0) first_bad = seq;
    checksum += item_hash(got.word);
    expected_checksum += item_hash(want.word);
  }
  producer.join();
  EXPECT_EQ(bad_items, 0u) << "first out of order, lost or torn: item " << first_bad;
  EXPECT_EQ(checksum, expected_checksum);
  EXPECT_FALSE(ring.try_pop(got)) << "an extra item was left";
}

}  // namespace
}  // namespace contend
