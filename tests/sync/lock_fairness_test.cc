// The FIFO-fair locks (TicketLock, McsLock) grant the lock in the order the
// waiters arrived. The locks are instantiated over a platform whose spin
// step tells the test "this thread has joined the queue and is waiting"
// (a ticket lock's waiter has its ticket, an MCS waiter is linked behind
// its predecessor), so the test lines waiters up one at a time behind a
// held lock, in a known order, and then checks the order of the grants.
// No timing: each step waits for the previous one to be observed.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "contend/sync/mcs_lock.h"
#include "contend/sync/ticket_lock.h"

namespace contend {
namespace {

// A spin step that reports, through the calling thread's flag, that the
// thread is waiting in lock().
struct ReportingSpin {
  static inline thread_local std::atomic<bool>* waiting = nullptr;
  void pause() {
    if (waiting) waiting->store(true);
    std::this_thread::yield();
  }
};
struct ReportingAtomics {
  template <class U>
  using Atomic = std::atomic<U>;
  using Spin = ReportingSpin;
};

// Either lock through one interface: a node per thread for MCS.
struct Ticket {
  BasicTicketLock<ReportingAtomics> lock;
  struct Node {};
  void take(Node&) { lock.lock(); }
  void give(Node&) { lock.unlock(); }
};
struct Mcs {
  BasicMcsLock<ReportingAtomics> lock;
  using Node = BasicMcsLock<ReportingAtomics>::Node;
  void take(Node& node) { lock.lock(node); }
  void give(Node& node) { lock.unlock(node); }
};

template <class Lock>
class FifoFairLock : public ::testing::Test {};
using FairLocks = ::testing::Types<Ticket, Mcs>;
TYPED_TEST_SUITE(FifoFairLock, FairLocks);

// Waiters 0..7 arrive one at a time while the lock is held; each waits
// until the previous one is queued. They must get the lock in that order.
TYPED_TEST(FifoFairLock, GrantsTheLockInArrivalOrder) {
  constexpr int kWaiters = 8;
  TypeParam lock;
  typename TypeParam::Node holder_node;
  std::vector<typename TypeParam::Node> nodes(kWaiters);
  std::vector<std::atomic<bool>> queued(kWaiters);
  std::vector<int> grants;  // written under the lock
  lock.take(holder_node);
  std::vector<std::thread> waiters;
  for (int w = 0; w < kWaiters; ++w) {
    waiters.emplace_back([&, w] {
      ReportingSpin::waiting = &queued[w];
      lock.take(nodes[w]);
      grants.push_back(w);
      lock.give(nodes[w]);
    });
    // Hangs (ctest's timeout) only if a waiter never reaches its spin.
    while (!queued[w].load()) std::this_thread::yield();
  }
  lock.give(holder_node);
  for (auto& t : waiters) t.join();
  std::vector<int> arrival(kWaiters);
  for (int w = 0; w < kWaiters; ++w) arrival[w] = w;
  EXPECT_EQ(grants, arrival);
}

}  // namespace
}  // namespace contend
