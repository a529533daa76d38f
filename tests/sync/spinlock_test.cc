// Mutual exclusion under stress for every lock contend measures. Run under
// ThreadSanitizer too: a broken lock is a data race on `value` there, and a
// wrong count or a double occupancy here.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "contend/sync/mcs_lock.h"
#include "contend/sync/process_shared_mutex.h"
#include "contend/sync/tas_lock.h"
#include "contend/sync/ticket_lock.h"
#include "contend/sync/ttas_lock.h"

namespace contend {
namespace {

// More threads than this machine's 2 PUs on purpose: lock holders get
// preempted, which is where spinlock bugs (and livelocks) show.
constexpr int kThreads = 4;
constexpr int kIterations = 20000;

struct Guarded {
  uint64_t value = 0;             // plain: protected only by the lock
  std::atomic<int> inside{0};     // holders right now; must never exceed 1
  std::atomic<bool> overlap{false};

  void critical_section() {
    if (inside.fetch_add(1, std::memory_order_relaxed) != 0) overlap = true;
    ++value;
    inside.fetch_sub(1, std::memory_order_relaxed);
  }
};

template <class Body>
void hammer(Body body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back([&body, t] {
      for (int i = 0; i < kIterations; ++i) body(t);
    });
  for (auto& thread : threads) thread.join();
}

template <class Lock>
class BasicLockTest : public ::testing::Test {};
using BasicLocks = ::testing::Types<TasLock, TtasLock, TicketLock, ProcessSharedMutex, std::mutex>;
TYPED_TEST_SUITE(BasicLockTest, BasicLocks);

TYPED_TEST(BasicLockTest, MutualExclusionUnderStress) {
  TypeParam lock;
  Guarded guarded;
  hammer([&](int) {
    lock.lock();
    guarded.critical_section();
    lock.unlock();
  });
  EXPECT_FALSE(guarded.overlap.load());
  EXPECT_EQ(guarded.value, uint64_t{kThreads} * kIterations);
}

TEST(McsLock, MutualExclusionUnderStress) {
  McsLock lock;
  McsLock::Node nodes[kThreads];
  Guarded guarded;
  hammer([&](int t) {
    lock.lock(nodes[t]);
    guarded.critical_section();
    lock.unlock(nodes[t]);
  });
  EXPECT_FALSE(guarded.overlap.load());
  EXPECT_EQ(guarded.value, uint64_t{kThreads} * kIterations);
}

TEST(TryLock, FailsWhileHeldSucceedsWhenFree) {
  TtasLock ttas;
  EXPECT_TRUE(ttas.try_lock());
  EXPECT_FALSE(ttas.try_lock());
  ttas.unlock();
  TasLock tas;
  EXPECT_TRUE(tas.try_lock());
  EXPECT_FALSE(tas.try_lock());
  tas.unlock();
  EXPECT_TRUE(tas.try_lock());
}

}  // namespace
}  // namespace contend
