// RingMpmc under Relacy: the real template (ring_mpmc.h) instantiated over
// Relacy's atomics and futex (support/relacy_platform.h), with items whose
// reads and writes Relacy checks for races. Each model runs a few threads
// through a few operations, many times over with Relacy's random scheduler
// (a fixed, stated number of interleavings, the same ones every run); a
// lost wake-up shows as a deadlock, a hand-over that does not order the
// item as a data race, a lost or doubled item as a failed check.
//
// - Timed pops with a stale tail (issue 25): capacity 2, one producer, two
//   consumers in pop_for. A consumer that read tail_ before the other took
//   the first item must not sleep on that slot while the second waits.
// - Capacity 1, blocking calls: every push and pop of two producers and two
//   consumers goes through the one slot, lap after lap, with sleepers of
//   different laps on one turn word (the sleeper bit).
// - Sleepers woken by pushes: consumers asleep in pop_for, each push must
//   wake one; a hand-over that is not one atomic exchange loses a wake-up.
// - try_ calls at capacity 1: the producer's second try_push reuses the
//   slot the consumer has just read from, which only the acquire of the
//   turn in try_push orders after that read.
#include "contend/queue/ring_mpmc.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "support/relacy_platform.h"  // last: see there

namespace contend {
namespace {

using testing_support::relacy_futex_wait;
using testing_support::relacy_futex_wake_all;
using testing_support::RlAtomic;
using testing_support::RlItem;

// Relacy's atomics and futex; one re-read before a waiter sleeps (spinning
// longer only adds interleavings that lead to the same states).
struct RelacyRingPlatform {
  template <class U>
  using Atomic = RlAtomic<U>;
  static constexpr int kSpinsBeforeSleep = 1;
  static void relax() {}
  static void wait(RlAtomic<uint32_t>& word, uint32_t seen, std::chrono::nanoseconds) {
    relacy_futex_wait(word, seen);
  }
  static void wake_all(RlAtomic<uint32_t>& word) { relacy_futex_wake_all(word); }
  static void pop_for_paused_at_turn() {}
};

using ModelRing = RingMpmc<RlItem, RelacyRingPlatform>;
constexpr auto kLong = std::chrono::hours(1);  // never runs out in the model

// Items 1..kItems each taken exactly once, by whichever thread.
template <int kItems>
struct Taken {
  int count[kItems + 1] = {};
  void add(int item) {
    RL_ASSERT(item >= 1 && item <= kItems);
    ++count[item];
  }
  void check() const {
    for (int i = 1; i <= kItems; ++i) RL_ASSERT(count[i] == 1);
  }
};

struct TimedPopsWithAStaleTail : rl::test_suite<TimedPopsWithAStaleTail, 3> {
  std::optional<ModelRing> ring;
  Taken<2> taken;
  void before() { ring.emplace(2); }
  void after() { taken.check(); ring.reset(); }
  void thread(unsigned index) {
    if (index == 0) {
      ring->push(RlItem(1));
      ring->push(RlItem(2));
    } else {
      RlItem item;
      RL_ASSERT(ring->pop_for(item, kLong));
      taken.add(item.get());
    }
  }
};

struct CapacityOneBlockingCalls : rl::test_suite<CapacityOneBlockingCalls, 4> {
  std::optional<ModelRing> ring;
  Taken<2> taken;
  void before() { ring.emplace(1); }
  void after() { taken.check(); ring.reset(); }
  void thread(unsigned index) {
    if (index < 2) {
      ring->push(RlItem(static_cast<int>(index) + 1));
    } else {
      RlItem item;
      ring->pop(item);
      taken.add(item.get());
    }
  }
};

struct SleepersWokenByPushes : rl::test_suite<SleepersWokenByPushes, 4> {
  std::optional<ModelRing> ring;
  Taken<3> taken;
  void before() { ring.emplace(4); }
  void after() { taken.check(); ring.reset(); }
  void thread(unsigned index) {
    if (index == 0) {
      for (int i = 1; i <= 3; ++i) RL_ASSERT(ring->try_push(RlItem(i)));
    } else {
      RlItem item;
      RL_ASSERT(ring->pop_for(item, kLong));
      taken.add(item.get());
    }
  }
};

struct TryCallsAtCapacityOne : rl::test_suite<TryCallsAtCapacityOne, 2> {
  static constexpr int kItems = 3;
  std::optional<ModelRing> ring;
  void before() { ring.emplace(1); }
  void after() { ring.reset(); }
  void thread(unsigned index) {
    if (index == 0) {
      for (int i = 1; i <= kItems; ++i)
        while (!ring->try_push(RlItem(i))) rl::yield(1, RL_INFO);
    } else {
      RlItem item;
      for (int i = 1; i <= kItems; ++i) {
        while (!ring->try_pop(item)) rl::yield(1, RL_INFO);
        RL_ASSERT(item.get() == i);
      }
    }
  }
};

TEST(RingMpmcModel, TimedPopsWithAStaleTail) {
  CONTEND_EXPECT_MODEL_HOLDS(TimedPopsWithAStaleTail, 20000);
}
TEST(RingMpmcModel, CapacityOneBlockingCalls) {
  CONTEND_EXPECT_MODEL_HOLDS(CapacityOneBlockingCalls, 20000);
}
TEST(RingMpmcModel, SleepersWokenByPushes) { CONTEND_EXPECT_MODEL_HOLDS(SleepersWokenByPushes, 20000); }
TEST(RingMpmcModel, TryCallsAtCapacityOne) { CONTEND_EXPECT_MODEL_HOLDS(TryCallsAtCapacityOne, 20000); }

}  // namespace
}  // namespace contend
