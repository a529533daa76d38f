// StallWatch and StallFlag on a clock the test drives: no stall before the
// limit, a stall after it, progress restarts the watch, one waiter's stall
// stops the others, and the clock is left alone while a wait is short.
#include "contend/harness/stall_watch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace contend {
namespace {

using namespace std::chrono_literals;

// The test's clock: moves only when a test moves it, and counts its reads.
std::atomic<int64_t> fake_now{1'000'000'000};
std::atomic<int> clock_reads{0};
int64_t fake_clock() noexcept {
  clock_reads.fetch_add(1);
  return fake_now.load();
}

class StallWatchTest : public ::testing::Test {
 protected:
  void SetUp() override { clock_reads.store(0); }
  static void advance(std::chrono::nanoseconds by) { fake_now.fetch_add(by.count()); }
  // Polls `watch` n times on `progress`; true when any poll said stalled.
  static bool poll(StallWatch& watch, uint32_t n, uint64_t progress = 0) {
    bool stalled = false;
    for (uint32_t i = 0; i < n; ++i) stalled = watch.stalled(progress) || stalled;
    return stalled;
  }
  StallFlag flag;
  static constexpr uint32_t kCheck = StallWatch::kPollsPerCheck;
};

TEST_F(StallWatchTest, AShortWaitNeverReadsTheClock) {
  StallWatch watch(flag, 10ms, fake_clock);
  EXPECT_FALSE(poll(watch, kCheck - 1));
  EXPECT_EQ(clock_reads.load(), 0);
  EXPECT_FALSE(watch.stalled());  // the kCheck-th poll starts the clock
  EXPECT_EQ(clock_reads.load(), 1);
}

TEST_F(StallWatchTest, StallsOnlyOnceProgressHasNotMovedForTheLimit) {
  StallWatch watch(flag, 10ms, fake_clock);
  EXPECT_FALSE(poll(watch, kCheck));  // started
  advance(10ms - 1ns);
  EXPECT_FALSE(poll(watch, 100 * kCheck));
  EXPECT_FALSE(flag.raised());
  advance(1ns);
  EXPECT_TRUE(poll(watch, kCheck));
  EXPECT_TRUE(flag.raised());
}

TEST_F(StallWatchTest, ProgressRestartsTheWatch) {
  StallWatch watch(flag, 10ms, fake_clock);
  EXPECT_FALSE(poll(watch, kCheck, 0));
  advance(9ms);
  EXPECT_FALSE(watch.stalled(1));  // progress: the wait so far no longer counts
  EXPECT_FALSE(poll(watch, kCheck, 1));  // restarted here
  advance(9ms);
  EXPECT_FALSE(poll(watch, kCheck, 1));
  advance(1ms);
  EXPECT_TRUE(poll(watch, kCheck, 1));
}

TEST_F(StallWatchTest, AnotherWaitersStallStopsThisOneWithinACheck) {
  StallWatch mine(flag, 10ms, fake_clock);
  StallWatch other(flag, 10ms, fake_clock);
  EXPECT_FALSE(poll(mine, kCheck - 1));
  other.give_up();
  EXPECT_TRUE(mine.stalled());
  EXPECT_EQ(clock_reads.load(), 0);  // the flag is read before the clock
}

TEST_F(StallWatchTest, ARareWaiterChecksNowAndCanStartItsClockFirst) {
  StallWatch started(flag, 10ms, fake_clock);
  started.start();
  advance(10ms);
  EXPECT_TRUE(started.stalled(0, true));  // e.g. after a futex wait of the whole limit

  flag.reset();
  StallWatch lazy(flag, 10ms, fake_clock);
  EXPECT_FALSE(lazy.stalled(0, true));  // starts the clock
  advance(10ms);
  EXPECT_TRUE(lazy.stalled(0, true));
}

TEST_F(StallWatchTest, TheFlagResetsAndNamesTheStallForTheJudge) {
  EXPECT_EQ(flag.error("core_to_core", 10s), "");
  flag.raise();
  EXPECT_EQ(flag.error("core_to_core", 10s), "core_to_core stalled: no progress for 10000 ms");
  flag.reset();
  EXPECT_FALSE(flag.raised());
  EXPECT_EQ(flag.error("core_to_core", 10s), "");
}

// Threads, as in an episode: one waiter stalls, the other, spinning on a
// wait of its own, stops within a check. (Under ThreadSanitizer this also
// checks that the flag is race-free.)
TEST_F(StallWatchTest, OneStalledWaiterEndsEveryWaitOfTheEpisode) {
  std::atomic<bool> spinner_stopped{false};
  std::thread spinner([&] {
    StallWatch watch(flag, 1h, fake_clock);  // would never stall by itself
    uint64_t polls = 0;
    // Its own wait makes progress every 2 checks, and still sees the flag.
    while (!watch.stalled(polls / (2 * kCheck) % 2)) ++polls;
    spinner_stopped.store(true);
  });
  StallWatch stuck(flag, 10ms, fake_clock);
  EXPECT_FALSE(poll(stuck, kCheck));
  advance(10ms);
  EXPECT_TRUE(poll(stuck, kCheck));
  spinner.join();  // a hang here is the failure (ctest's timeout)
  EXPECT_TRUE(spinner_stopped.load());
}

}  // namespace
}  // namespace contend
